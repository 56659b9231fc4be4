import { expect } from 'chai';
import request from 'supertest';
import { LOCALES } from '../../src/domain/locales.js';
import { testApp } from '../helpers/app.js';
import { useDatabase } from '../helpers/db.js';
import { PAGES, gzipSize } from '../helpers/pages.js';

describe('pages in every language', () => {
  useDatabase('pages');

  for (const path of PAGES) {
    for (const lng of LOCALES) {
      it(`GET ${path}?lng=${lng} answers 200 in ${lng}, marked as such`, async () => {
        const app = await testApp();
        const res = await request(app).get(`${path}?lng=${lng}`).expect(200);
        expect(res.headers['content-language']).to.equal(lng);
        expect(res.text).to.match(new RegExp(`<html lang="${lng}"`));
        // The language choice sticks in a cookie that holds only the code.
        expect(String(res.headers['set-cookie'])).to.match(new RegExp(`^lng=${lng};.*HttpOnly; SameSite=Lax`));
      });
    }
  }

  it('show each page in its own words: no two languages render the same home page title', async () => {
    const app = await testApp();
    const titles = new Set<string>();
    for (const lng of LOCALES) {
      const res = await request(app).get(`/?lng=${lng}`);
      titles.add(/<h1>([^<]+)<\/h1>/.exec(res.text)![1]!);
    }
    expect(titles.size).to.equal(LOCALES.length);
  });

  it('follow the detection order: ?lng, then cookie, then Accept-Language, then English', async () => {
    const app = await testApp();
    const lang = async (req: request.Test) => (await req).headers['content-language'];
    expect(await lang(request(app).get('/?lng=lo').set('Cookie', 'lng=km').set('Accept-Language', 'th'))).to.equal('lo');
    expect(await lang(request(app).get('/').set('Cookie', 'lng=km').set('Accept-Language', 'th'))).to.equal('km');
    expect(await lang(request(app).get('/').set('Accept-Language', 'th-TH,th;q=0.9'))).to.equal('th');
    expect(await lang(request(app).get('/').set('Accept-Language', 'tl-PH'))).to.equal('fil');
    expect(await lang(request(app).get('/').set('Accept-Language', 'in'))).to.equal('id');
    expect(await lang(request(app).get('/').set('Accept-Language', 'de'))).to.equal('en');
  });

  it('fall back to English on a malformed ?lng and never crash', async () => {
    const app = await testApp();
    for (const q of ['lng=', 'lng=%ZZ', 'lng=<script>', 'lng[]=th', 'lng[$ne]=x', 'lng=th&lng=km', `lng=${'x'.repeat(5000)}`]) {
      const res = await request(app).get(`/?${q}`);
      expect(res.status, q).to.equal(200);
      expect(res.headers['content-language'], q).to.equal('en');
      expect(res.headers['set-cookie'], q).to.equal(undefined);
    }
  });

  it('offer a language menu of plain links naming each language in itself', async () => {
    const res = await request(await testApp()).get('/login?lng=th');
    const links = [...res.text.matchAll(/<a href="\?lng=([a-z]+)" hreflang="\1" lang="\1"[^>]*>([^<]+)<\/a>/g)];
    expect(links.map((m) => m[1])).to.deep.equal([...LOCALES]);
    expect(links.find((m) => m[1] === 'km')![2]).to.equal('ខ្មែរ');
    expect(res.text).to.include('aria-current="true">ไทย</a>');
  });

  it('say when a translation has not been reviewed by a native speaker', async () => {
    const app = await testApp();
    expect((await request(app).get('/?lng=en')).text).to.not.include('notice-unreviewed');
    expect((await request(app).get('/?lng=km')).text).to.include('notice-unreviewed');
  });

  it('are at most 30 KB of compressed HTML each', async () => {
    const app = await testApp();
    for (const path of PAGES) {
      for (const lng of LOCALES) {
        const res = await request(app).get(`${path}?lng=${lng}`);
        expect(gzipSize(res.text), `${path} ${lng}`).to.be.below(30 * 1024);
      }
    }
  });

  it('are compressed for browsers that accept it', async () => {
    const res = await request(await testApp()).get('/?lng=my').set('Accept-Encoding', 'gzip');
    expect(res.headers['content-encoding']).to.equal('gzip');
  });

  it('have landmarks, a skip link and labelled fields', async () => {
    const app = await testApp();
    const home = (await request(app).get('/')).text;
    expect(home).to.match(/<a class="skip-link" href="#main">/);
    expect(home).to.include('<main id="main"').and.include('<header').and.include('<footer').and.include('<nav aria-label=');
    const login = (await request(app).get('/login')).text;
    for (const id of ['email', 'password']) {
      expect(login).to.include(`<label for="${id}">`).and.include(`id="${id}"`);
    }
  });

  it('leave the script fonts out when the browser asks to save data', async () => {
    const app = await testApp();
    const normal = await request(app).get('/?lng=th');
    const saving = await request(app).get('/?lng=th').set('Save-Data', 'on');
    expect(normal.text).to.match(/\/static\/css\/fonts\.[\w-]+\.css/);
    expect(saving.text).to.not.include('/static/css/fonts.');
    expect(saving.headers.vary).to.include('Save-Data');
  });
});
