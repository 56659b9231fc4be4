import { expect } from 'chai';
import { keyedHash } from '../../src/lib/crypto.js';
import { PREFIX_MAX, PREFIX_MIN, caseNumberQueryToken, caseNumberTokens, nameParts, nameTokens, queryMatchSets, queryTokenSets } from '../../src/services/cases/name-search.js';

/** `မောင်မောင်` as typed with a Zawgyi keyboard. */
const ZAWGYI_MAUNG_MAUNG = '\u1031\u1019\u102c\u1004\u1039\u1031\u1019\u102c\u1004\u1039';

/** Whether a query finds a record with these names, as the case list asks the database. */
function finds(names: string[], query: string): boolean {
  const stored = new Set(nameTokens(names));
  return queryTokenSets(query).some((set) => set.every((token) => stored.has(token)));
}

/** Whether a query finds a record with these names by whole words or beginnings, as the case list asks. */
function findsByBeginning(names: string[], query: string): boolean {
  const stored = new Set(nameTokens(names));
  return queryMatchSets(query).some((parts) => parts.every((any) => any.some((token) => stored.has(token))));
}

describe('name search tokens (SECURITY.md D3, I6)', () => {
  describe('beginnings of names', () => {
    it(`store ${PREFIX_MIN} to ${PREFIX_MAX} letters of each Latin part under their own key, never the whole word there`, () => {
      const tokens = nameTokens(['Testlongfamilyname']);
      const prefixes = [...Array(PREFIX_MAX - PREFIX_MIN + 1).keys()].map((i) => keyedHash('name-prefix', 'testlongfamilyname'.slice(0, PREFIX_MIN + i)));
      expect(tokens).to.include.members(prefixes);
      expect(tokens).to.have.length(1 + prefixes.length);
      expect(tokens).to.not.include(keyedHash('name-prefix', 'testlongfamilyname'.slice(0, PREFIX_MAX + 1)));
      expect(tokens).to.not.include(keyedHash('name-search', 'tes'));
      expect(nameTokens(['Ana'])).to.deep.equal([keyedHash('name-search', 'ana')]);
    });

    it('count beginnings by letter, not by code unit, and store them with and without diacritics', () => {
      const tokens = nameTokens(['Nghiệm'.normalize('NFD')]);
      expect(tokens).to.include.members(['ngh', 'nghi', 'nghiệ', 'nghie'].map((b) => keyedHash('name-prefix', b)));
    });

    it('find by a beginning of 3 letters or more, not by 2, nor by a beginning longer than the name', () => {
      const names = ['Testmaria', 'Soriano'];
      for (const q of ['Sor', 'sori', 'SORIAN', 'Soriano', 'tes sor', 'Testmaria Soria']) expect(findsByBeginning(names, q), q).to.equal(true);
      for (const q of ['So', 'Sorianos', 'oriano', 'Sori Nobody']) expect(findsByBeginning(names, q), q).to.equal(false);
      expect(findsByBeginning(['So', 'Testexact'], 'So')).to.equal(true);
    });

    it('are not made for the scripts written without spaces', () => {
      const tokens = nameTokens(['สมหญิง']);
      expect(tokens).to.not.include.members(['สมห', 'สมหญ', 'สมหญิ'].map((b) => keyedHash('name-prefix', b)));
      expect(tokens).to.include(keyedHash('name-search', 'สมหญิง'));
      expect(queryMatchSets('สมห')).to.deep.equal([[[keyedHash('name-search', 'สมห')]]]);
    });
  });

  describe('case number digits', () => {
    it('find a case number by its serial with or without leading zeros, or by year and serial, in any digits', () => {
      const tokens = caseNumberTokens('PH-2026-00110');
      expect(tokens).to.have.length(2);
      for (const q of ['00110', '110', '0110', '2026-00110', '2026-110', '๐๐๑๑๐', ' 00110 ']) expect(tokens, q).to.include(caseNumberQueryToken(q));
      for (const q of ['00111', '1100', '2025-00110', '202600110']) expect(tokens, q).to.not.include(caseNumberQueryToken(q));
      expect(caseNumberQueryToken('Soriano')).to.equal(undefined);
      expect(caseNumberQueryToken('PH-2026-00110')).to.equal(undefined);
      expect(caseNumberTokens('not a number')).to.deep.equal([]);
    });

    it('are keyed hashes of their own, never the digits nor a name token', () => {
      const tokens = caseNumberTokens('PH-2026-00110');
      for (const t of tokens) expect(t).to.match(/^[0-9a-f]{64}$/);
      expect(tokens).to.not.include.members([keyedHash('name-search', '00110'), keyedHash('name-search', '110'), '00110', '110']);
    });
  });

  describe('nameParts', () => {
    it('cuts a name at anything that is not a letter, mark or digit, in NFC and lower case', () => {
      expect(nameParts('  Testchild-Fictional, DEMO ')).to.deep.equal(['testchild', 'fictional', 'demo']);
      expect(nameParts('Thử Nghiệm'.normalize('NFD'))).to.deep.equal(['thử', 'nghiệm']);
      expect(nameParts('ĐOÀN')).to.deep.equal(['đoàn']);
    });

    it('reads Burmese typed in Zawgyi as Unicode, and leaves Unicode Burmese as it is', () => {
      expect(nameParts(ZAWGYI_MAUNG_MAUNG)).to.deep.equal(['မောင်မောင်']);
      expect(nameParts('မောင်မောင် စမ်းသပ်')).to.deep.equal(['မောင်မောင်', 'စမ်းသပ်']);
    });

    it('has nothing to search for in punctuation and spaces', () => {
      expect(queryTokenSets(' -.,; ')).to.deep.equal([]);
    });
  });

  describe('nameTokens', () => {
    it('are keyed hashes of the name parts, never the parts themselves', () => {
      const names = ['Testchild', 'Fictional', 'สมหญิง', 'ใจดี', 'Demonick'];
      const tokens = nameTokens(names);
      expect(tokens.length).to.be.greaterThan(names.length);
      for (const t of tokens) expect(t).to.match(/^[0-9a-f]{64}$/);
      expect(tokens).to.include(keyedHash('name-search', 'testchild'));
      for (const part of ['testchild', 'Testchild', 'fictional', 'สมหญิง', 'ใจดี', 'demonick']) expect(tokens).to.not.include(part);
    });

    it('are the same for a name typed composed (NFC) or decomposed (NFD)', () => {
      const name = 'Đoàn Thử Nghiệm';
      expect(nameTokens([name.normalize('NFD')])).to.deep.equal(nameTokens([name.normalize('NFC')]));
    });

    it('are the same for a Burmese name typed in Zawgyi or in Unicode', () => {
      expect(nameTokens([ZAWGYI_MAUNG_MAUNG, 'စမ်းသပ်'])).to.deep.equal(nameTokens(['မောင်မောင်', 'စမ်းသပ်']));
    });
  });

  describe('queries', () => {
    it('find a Vietnamese name with or without its diacritics, composed or decomposed', () => {
      const names = ['Thử Nghiệm'.normalize('NFD'), 'Đoàn Giả'.normalize('NFD')];
      for (const q of ['Thử Nghiệm', 'Thử Nghiệm'.normalize('NFD'), 'thu nghiem', 'Doan', 'DOAN GIA', 'Đoàn Thử']) expect(finds(names, q), q).to.equal(true);
      expect(finds(names, 'Doan Khac')).to.equal(false);
    });

    it('find a Latin name whatever its case, and a single name alone', () => {
      expect(finds(['Testchild', 'Fictional'], 'tESTCHILD fictional')).to.equal(true);
      expect(finds(['Demosolo', ''], 'DEMOSOLO')).to.equal(true);
      expect(finds(['Testchild', 'Fictional'], 'Testch')).to.equal(false);
    });

    it('find a Burmese name from a Zawgyi query by themselves, without the query parser’s conversion', () => {
      expect(queryTokenSets(ZAWGYI_MAUNG_MAUNG)).to.deep.equal(queryTokenSets('မောင်မောင်'));
      expect(finds(['မောင်မောင်', 'စမ်းသပ်'], ZAWGYI_MAUNG_MAUNG)).to.equal(true);
    });

    const SCRIPTS: [string, string, string][] = [
      ['Thai', 'สมหญิง', 'ใจดี'],
      ['Khmer', 'សាកល្បង', 'ចាន់'],
      ['Lao', 'ທົດລອງ', 'ແກ້ວມະນີ'],
      ['Burmese', 'မောင်မောင်', 'စမ်းသပ်'],
    ];
    for (const [script, given, family] of SCRIPTS) {
      it(`find a ${script} name in two fields by each name and by the full name with or without a space`, () => {
        for (const q of [given, family, given + family, `${given} ${family}`, family + given]) expect(finds([given, family], q), q).to.equal(true);
        expect(finds([given, family], `${given}x`)).to.equal(false);
      });

      it(`find a ${script} full name written in one field without a space by each of its words`, () => {
        for (const q of [given, family, given + family, `${given} ${family}`]) expect(finds([given + family], q), q).to.equal(true);
      });
    }
  });
});
