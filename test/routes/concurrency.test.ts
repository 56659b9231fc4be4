import { expect } from 'chai';
import request from 'supertest';
import { useListeningApp } from '../helpers/app.js';
import { useDatabase } from '../helpers/db.js';

describe('many requests in different languages at once', () => {
  useDatabase('concurrency');
  const listening = useListeningApp();

  it('answer each of 50 concurrent requests, alternating th and km, in its own language', async () => {
    const scripts = { th: /[\u0E00-\u0E7F]/, km: /[\u1780-\u17FF]/ } as const;
    const langs = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 'th' : 'km') as keyof typeof scripts);
    const responses = await Promise.all(
      langs.map((lng, i) => request(listening()).get(i % 4 < 2 ? '/' : '/login').set('Accept-Language', lng)),
    );
    responses.forEach((res, i) => {
      const lng = langs[i]!;
      const other = lng === 'th' ? 'km' : 'th';
      expect(res.status).to.equal(200);
      expect(res.headers['content-language'], `request ${i}`).to.equal(lng);
      const h1 = /<h1>([^<]+)<\/h1>/.exec(res.text)![1]!;
      expect(h1, `request ${i}`).to.match(scripts[lng]);
      const main = res.text.slice(res.text.indexOf('<main'), res.text.indexOf('</main>'));
      expect(main, `request ${i}`).to.not.match(scripts[other]);
    });
  });
});
