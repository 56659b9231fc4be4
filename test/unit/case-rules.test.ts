import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { CASE_NUMBER, CASE_STATUSES, formatCaseNumber, mayMove } from '../../src/domain/cases.js';
import { LOCALES } from '../../src/domain/locales.js';
import { LOOKUPS } from '../../src/domain/lookups.js';
import { CaseModel } from '../../src/models/case.js';

describe('case rules (DOMAIN.md "States")', () => {
  it('allows exactly open → active → closed and closed → active', () => {
    const allowed = CASE_STATUSES.flatMap((from) => CASE_STATUSES.filter((to) => mayMove(from, to)).map((to) => `${from}>${to}`));
    expect(allowed).to.deep.equal(['open>active', 'active>closed', 'closed>active']);
  });

  it('numbers cases per organisation and year with five digits, and recognises the shape', () => {
    expect(formatCaseNumber('PH', 2026, 42)).to.equal('PH-2026-00042');
    expect(formatCaseNumber('KH', 2027, 123456)).to.equal('KH-2027-123456');
    expect(CASE_NUMBER.test('PH-2026-00042')).to.equal(true);
    expect(CASE_NUMBER.test('Maria Santos')).to.equal(false);
  });
});

describe('lookups (I18N.md: codes with a label in every locale)', () => {
  for (const lng of LOCALES) {
    it(`labels every code of every list in ${lng}`, () => {
      const labels = JSON.parse(readFileSync(new URL(`../../locales/${lng}/lookups.json`, import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
      const missing = Object.entries(LOOKUPS).flatMap(([list, codes]) => codes.filter((code) => !labels[list]?.[code]?.trim()).map((code) => `${list}.${code}`));
      expect(missing).to.deep.equal([]);
      const extra = Object.entries(labels).flatMap(([list, codes]) => Object.keys(codes).filter((code) => !(LOOKUPS as Record<string, readonly string[]>)[list]?.includes(code)).map((c) => `${list}.${c}`));
      expect(extra, 'labels for codes that do not exist').to.deep.equal([]);
    });
  }
});

describe('the case list’s indexes (issue 4, item 8)', () => {
  it('declares an index led by the organisation for every filter and sort of the list', () => {
    const indexes = CaseModel.schema.indexes().map(([fields]) => Object.keys(fields));
    for (const field of ['status', 'riskLevel', 'exploitationTypes', 'caseworkerIds', 'supervisorId', 'team', 'intake.date', 'riskRank', 'searchTokens', 'caseNumber', '_id']) {
      expect(indexes.some((keys) => keys[0] === 'organisationId' && keys[1] === field), field).to.equal(true);
    }
  });
});
