import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.js';
import { useDatabase } from '../helpers/db.js';
import { PAGES } from '../helpers/pages.js';

function expectO3(res: request.Response, where: string) {
  const csp = String(res.headers['content-security-policy']);
  expect(csp, where).to.not.include('unsafe-inline').and.not.include('unsafe-eval');
  for (const directive of ["default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'", "script-src 'self'", "style-src 'self'"]) {
    expect(csp, `${where}: ${directive}`).to.include(directive);
  }
  expect(res.headers['strict-transport-security'], where).to.match(/max-age=\d{7,}/);
  expect(res.headers['x-content-type-options'], where).to.equal('nosniff');
  expect(res.headers['referrer-policy'], where).to.equal('no-referrer');
  expect(res.headers['x-frame-options'], where).to.equal('DENY');
  expect(res.headers, where).to.not.have.property('x-powered-by');
  expect(res.headers['cache-control'], where).to.equal('no-store');
}

describe('security headers (SECURITY.md O3)', () => {
  useDatabase('headers');

  for (const path of [...PAGES, '/no-such-page']) {
    it(`are on GET ${path}`, async () => {
      expectO3(await request(await testApp()).get(path), path);
    });
  }

  it('are on error pages: 413 and 400', async () => {
    const app = await testApp();
    expectO3(await request(app).post('/login').type('form').send(`a=${'x'.repeat(200_000)}`), '413');
    expectO3(await request(app).post('/login').set('Content-Type', 'application/json').send('{"a":'), '400');
  });

  it('are on health answers too', async () => {
    const res = await request(await testApp()).get('/healthz');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['cache-control']).to.equal('no-store');
  });

  it('no page has an inline script, inline style or style attribute for the policy to allow', async () => {
    const app = await testApp();
    for (const path of PAGES) {
      const html = (await request(app).get(path)).text;
      expect(html, path).to.not.match(/<script(?![^>]*\ssrc=)/i);
      expect(html, path).to.not.match(/<style/i);
      expect(html, path).to.not.match(/\sstyle=/i);
      expect(html, path).to.not.match(/\son[a-z]+=/i);
    }
  });
});
