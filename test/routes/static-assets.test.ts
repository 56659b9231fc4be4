import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.js';
import { useDatabase } from '../helpers/db.js';

describe('static assets', () => {
  useDatabase('static');

  it('are linked under content-hashed names and cached for a year, immutable', async () => {
    const app = await testApp();
    const html = (await request(app).get('/?lng=km')).text;
    const urls = [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]!);
    expect(urls).to.have.length.of.at.least(3);
    for (const url of urls) {
      expect(url).to.match(/\.[\w-]{12}\.\w+$/);
      const res = await request(app).get(url).expect(200);
      expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    }
  });

  it('self-host the four script fonts as WOFF2 with unicode-range, from our own origin only', async () => {
    const app = await testApp();
    const html = (await request(app).get('/?lng=lo')).text;
    const cssUrl = /href="(\/static\/css\/fonts\.[^"]+)"/.exec(html)![1]!;
    const css = (await request(app).get(cssUrl).expect(200).expect('Content-Type', /text\/css/)).text;
    for (const family of ['Thai', 'Khmer', 'Lao', 'Myanmar']) expect(css).to.include(`'Haven Noto Sans ${family}'`);
    // Two weights of each full font, and the language menu's subset of each script (one weight).
    for (const family of ['Thai', 'Khmer', 'Lao', 'Myanmar']) expect(css).to.include(`'Haven Autonyms ${family}'`);
    expect(css.match(/unicode-range:/g)).to.have.length(12);
    expect(css).to.not.match(/https?:/);
    for (const [, url] of css.matchAll(/url\(([^)]+)\)/g)) {
      const font = await request(app).get(url!).expect(200);
      expect(font.headers['content-type']).to.equal('font/woff2');
      expect((font.body as Buffer).subarray(0, 4).toString('latin1')).to.equal('wOF2');
    }
  });

  it('answer 404 to an unknown or outdated hash', async () => {
    const app = await testApp();
    await request(app).get('/static/css/app.css').expect(404);
    await request(app).get('/static/css/app.AAAAAAAAAAAA.css').expect(404);
    await request(app).get('/static/../package.json').expect(404);
  });
});
