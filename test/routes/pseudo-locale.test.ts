import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { createI18n } from '../../src/lib/i18n/index.js';
import { testApp } from '../helpers/app.js';
import { useDatabase } from '../helpers/db.js';
import { PAGES } from '../helpers/pages.js';
import { PSEUDO, pseudoResources, untranslated } from '../helpers/pseudo.js';

describe('the pseudo-locale: no untranslated text on any page', () => {
  useDatabase('pseudo');
  let app: Express;
  let down: Express;
  before(async () => {
    const i18n = await createI18n({ extra: pseudoResources() });
    app = await testApp({ i18n });
    down = await testApp({ i18n, isConnected: () => false });
  });

  for (const page of PAGES) {
    it(`GET ${page}`, async () => {
      const res = await request(app).get(`${page}?lng=${PSEUDO}`).expect(200);
      expect(res.text).to.include('⟦');
      expect(untranslated(res.text)).to.deep.equal([]);
    });
  }

  it('the 404, 413 and 503 pages', async () => {
    const pages = [
      await request(app).get(`/nowhere?lng=${PSEUDO}`).expect(404),
      await request(app).post(`/login?lng=${PSEUDO}`).type('form').send(`a=${'b'.repeat(200_000)}`).expect(413),
      await request(down).get(`/?lng=${PSEUDO}`).expect(503),
    ];
    for (const res of pages) expect(untranslated(res.text), String(res.status)).to.deep.equal([]);
  });

  it('catches English that bypasses the locale files (the check can fail)', () => {
    expect(untranslated('<p>⟦Hélló⟧</p><p>Sign in</p><a aria-label="Menu">x</a>')).to.deep.equal(['Sign in', 'x', 'Menu']);
  });
});
