import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.js';
import { useDatabase } from '../helpers/db.js';

describe('error pages (SECURITY.md O5)', () => {
  useDatabase('errors');

  it('answer an unknown address with the translated 404 page and its request id', async () => {
    const res = await request(await testApp()).get('/cases/../../etc/passwd?lng=th').expect(404);
    expect(/<h1>([^<]+)<\/h1>/.exec(res.text)?.[1]).to.match(/[\u0E00-\u0E7F]/);
    expect(res.headers['content-language']).to.equal('th');
    expect(res.text).to.include(res.headers['x-request-id']);
    expect(res.text).to.not.include('passwd');
  });

  it('answer JSON to API clients, with the translated message and no internals', async () => {
    const res = await request(await testApp()).get('/nothing-here').set('Accept', 'application/json').set('Accept-Language', 'fr').expect(404);
    expect(res.body).to.deep.equal({ error: { status: 404, message: 'Page introuvable', requestId: res.headers['x-request-id'] } });
  });

  it('answer 413 to a body over the limit, translated', async () => {
    const res = await request(await testApp())
      .post('/login?lng=vi')
      .type('form')
      .send(`note=${'a'.repeat(150_000)}`)
      .expect(413);
    expect(res.headers['content-language']).to.equal('vi');
    expect(res.text).to.include('<h1>');
  });

  it('answer 400 to malformed JSON without echoing it', async () => {
    const res = await request(await testApp())
      .post('/login')
      .set('Content-Type', 'application/json')
      .set('Accept', 'application/json')
      .send('{"email": "marker-7f3a", ')
      .expect(400);
    expect(JSON.stringify(res.body)).to.not.include('marker-7f3a');
    expect(res.body.error.status).to.equal(400);
  });

  it('never show a stack, a query or a path', async () => {
    const app = await testApp();
    for (const res of [
      await request(app).get('/x/y/z?secret=marker-q1'),
      await request(app).post('/login').set('Content-Type', 'application/json').send('{bad'),
    ]) {
      expect(res.text).to.not.match(/at \w+ \(|node_modules|\.ts:\d+|marker-q1|\/x\/y\/z/);
    }
  });

  it('are translated in every language', async () => {
    const app = await testApp();
    const en = (await request(app).get('/missing?lng=en')).text;
    const km = (await request(app).get('/missing?lng=km')).text;
    const title = (html: string) => /<h1>([^<]+)<\/h1>/.exec(html)![1];
    expect(title(en)).to.equal('Page not found');
    expect(title(km)).to.match(/[\u1780-\u17FF]/);
    expect(title(km)).to.not.equal(title(en));
  });
});
