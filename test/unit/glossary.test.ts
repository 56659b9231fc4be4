import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { LOCALES } from '../../src/domain/locales.js';
import { LOCALES_DIR, ROOT } from '../../src/lib/paths.js';

/** docs/glossary.md as term -> locale -> word. */
function glossary(): Map<string, Map<string, string>> {
  const lines = readFileSync(path.join(ROOT, 'docs', 'glossary.md'), 'utf8').split('\n').filter((l) => l.startsWith('| '));
  const cells = (line: string) => line.slice(2, -2).split(' | ').map((c) => c.trim());
  const header = cells(lines[0]!).map((h) => /\((\w+)\)$/.exec(h)?.[1] ?? 'en');
  const table = new Map<string, Map<string, string>>();
  for (const line of lines.slice(1)) {
    const row = cells(line);
    table.set(row[0]!, new Map(row.map((c, i) => [header[i]!, c])));
  }
  return table;
}

function label(lng: string, ns: string, key: string): string {
  let node: unknown = JSON.parse(readFileSync(path.join(LOCALES_DIR, lng, `${ns}.json`), 'utf8'));
  for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
  return String(node);
}

describe('the glossary (I18N.md)', () => {
  const table = glossary();

  it('gives every core term in all 12 languages, in NFC', () => {
    for (const term of ['case', 'caseworker', 'supervisor', 'care plan', 'referral', 'consent', 'guardian', 'closure (of a case)', 'hearing (in court)']) {
      const row = table.get(term);
      expect(row, term).to.exist;
      for (const lng of LOCALES) {
        const word = row!.get(lng);
        expect(word, `${term} in ${lng}`).to.be.a('string').and.not.equal('');
        expect(word, `${term} in ${lng}`).to.equal(word!.normalize('NFC'));
      }
    }
  });

  it('is followed by the locale files: "sign in" and "password" read as the glossary says', () => {
    for (const lng of LOCALES) {
      const lower = (s: string) => s.toLocaleLowerCase(lng === 'tet' ? 'pt' : lng);
      expect(lower(label(lng, 'common', 'nav.signIn')), lng).to.include(lower(table.get('sign in')!.get(lng)!));
      expect(lower(label(lng, 'auth', 'login.password')), lng).to.include(lower(table.get('password')!.get(lng)!));
    }
  });
});
