import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { LOCALE_INFO } from '../../src/domain/locales.js';
import { createI18n } from '../../src/lib/i18n/index.js';
import { LOCALES_DIR } from '../../src/lib/paths.js';
import { testApp } from '../helpers/app.js';
import { useDatabase } from '../helpers/db.js';
import { PAGES, readableAttributes, visibleText } from '../helpers/pages.js';

const PSEUDO = 'en-XA';
const ACCENTS: Record<string, string> = { a: 'á', e: 'é', i: 'í', o: 'ó', u: 'ú', A: 'Á', E: 'É', O: 'Ó' };

type Tree = { [key: string]: string | Tree };
function pseudo(tree: Tree): Tree {
  return Object.fromEntries(
    Object.entries(tree).map(([k, v]) => [
      k,
      typeof v === 'string'
        ? `⟦${v.split(/(\{\{[^}]+\}\})/).map((part) => (part.startsWith('{{') ? part : part.replace(/[aeiouAEO]/g, (c) => ACCENTS[c]!))).join('')}⟧`
        : pseudo(v),
    ]),
  );
}

function pseudoResources(): Record<string, Record<string, object>> {
  const bundles: Record<string, object> = {};
  for (const file of readdirSync(path.join(LOCALES_DIR, 'en')).filter((f) => !f.startsWith('_'))) {
    bundles[file.replace('.json', '')] = pseudo(JSON.parse(readFileSync(path.join(LOCALES_DIR, 'en', file), 'utf8')) as Tree);
  }
  return { [PSEUDO]: bundles };
}

/** What is left of a page's text once the translated parts and the language names are taken out. */
function untranslated(html: string): string[] {
  const autonyms = Object.values(LOCALE_INFO).map((l) => l.autonym);
  return [...visibleText(html), ...readableAttributes(html)]
    .map((text) => text.replace(/⟦[^⟧]*⟧/g, ''))
    .filter((text) => !autonyms.includes(text.trim()))
    .filter((text) => /\p{L}/u.test(text));
}

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
