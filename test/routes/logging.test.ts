import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import request from 'supertest';
import { config } from '../../src/config/index.js';
import { testApp } from '../helpers/app.js';
import { useDatabase } from '../helpers/db.js';

describe('request logs (SECURITY.md D4)', () => {
  useDatabase('logging');

  it('record method, path, status and request id, but no query, body, cookie or header values', async () => {
    const app = await testApp();
    const res = await request(app)
      .post('/login?name=Marker-Query-81f2')
      .set('Cookie', 'session=Marker-Cookie-19ad')
      .set('Authorization', 'Bearer Marker-Token-5c0e')
      .type('form')
      .send('email=marker-email-77e1%40example.org&password=Marker-Password-3b9d');
    const log = readFileSync(config.logFile!, 'utf8');
    const id = String(res.headers['x-request-id']);
    const line = log.split('\n').find((l) => l.includes(id));
    expect(line, 'the request was logged').to.be.a('string');
    expect(JSON.parse(line!)).to.deep.include({ req: { id, method: 'POST', path: '/login' } });
    for (const marker of ['Marker-Query-81f2', 'Marker-Cookie-19ad', 'Marker-Token-5c0e', 'marker-email-77e1', 'Marker-Password-3b9d']) {
      expect(log, marker).to.not.include(marker);
    }
  });
});
