import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { LOCALES } from '../../src/domain/locales.js';
import { LOCALES_DIR } from '../../src/lib/paths.js';
import { checkLocale, type Tree } from '../helpers/locale-check.js';

function read(lng: string, file: string): Tree {
  return JSON.parse(readFileSync(path.join(LOCALES_DIR, lng, file), 'utf8')) as Tree;
}

const NAMESPACES = readdirSync(path.join(LOCALES_DIR, 'en')).filter((f) => f.endsWith('.json') && !f.startsWith('_'));

describe('locale files', () => {
  it('exist for exactly the 12 locales of I18N.md', () => {
    const dirs = readdirSync(LOCALES_DIR).filter((d) => !d.startsWith('.')).sort();
    expect(dirs).to.deep.equal([...LOCALES].sort());
  });

  for (const lng of LOCALES) {
    describe(lng, () => {
      it('has every namespace of en and no other', () => {
        const files = readdirSync(path.join(LOCALES_DIR, lng)).filter((f) => !f.startsWith('_')).sort();
        expect(files).to.deep.equal([...NAMESPACES].sort());
      });

      for (const ns of NAMESPACES) {
        it(`${ns}: every en key, matching plurals and variables, NFC, nothing empty or unescaped`, () => {
          expect(checkLocale(lng, read('en', ns), read(lng, ns))).to.deep.equal([]);
        });
      }

      it('says in _meta.json whether a native speaker reviewed it', () => {
        const meta = JSON.parse(readFileSync(path.join(LOCALES_DIR, lng, '_meta.json'), 'utf8')) as Record<string, unknown>;
        expect(meta.nativeReview).to.be.a('boolean');
        expect(meta.language).to.be.a('string').and.not.equal('');
      });
    });
  }

  describe('the checker itself', () => {
    const en: Tree = { a: 'Hello {{name}}', items_one: '{{count}} item', items_other: '{{count}} items' };

    it('accepts a good translation, with French plural forms one, many and other', () => {
      const fr: Tree = { a: 'Bonjour {{name}}', items_one: '{{count}} élément', items_many: '{{count}} d’éléments', items_other: '{{count}} éléments' };
      expect(checkLocale('fr', en, fr)).to.deep.equal([]);
    });

    it('finds missing keys, lost variables, wrong plural forms, empty, non-NFC and unescaped values', () => {
      const bad: Tree = { a: 'Xin chào {{-name}} e\u0301', items_one: '', extra: 'x' };
      const problems = checkLocale('vi', en, bad).join('\n');
      expect(problems).to.include('unescaped');
      expect(problems).to.include('not NFC');
      expect(problems).to.include('is empty');
      expect(problems).to.include('plural forms one not other');
      expect(problems).to.include('extra is not in en');
      expect(checkLocale('th', en, { items_other: 'x' }).join('\n')).to.include('a is missing');
      expect(checkLocale('th', en, { a: 'สวัสดี', items_other: '{{count}}' }).join('\n')).to.include('variables');
    });
  });
});
