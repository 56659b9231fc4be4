import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { CASE_NUMBER, CASE_STATUSES, CLOSURE_REASONS, closureReasonsFrom, formatCaseNumber, isOverdue, mayMove, reopenedStatus, type CaseStatus } from '../../src/domain/cases.js';
import { LOCALES } from '../../src/domain/locales.js';
import { LOOKUPS, SPOKEN_LANGUAGES } from '../../src/domain/lookups.js';
import { CaseModel } from '../../src/models/case.js';

describe('case rules (DOMAIN.md "States")', () => {
  it('allows exactly open → active, open → closed, active → closed, and a reopening to the state closed from', () => {
    const moves = (closedFrom?: CaseStatus) => CASE_STATUSES.flatMap((from) => CASE_STATUSES.filter((to) => mayMove(from, to, closedFrom)).map((to) => `${from}>${to}`));
    expect(moves('active')).to.deep.equal(['open>active', 'open>closed', 'active>closed', 'closed>active']);
    expect(moves('open')).to.deep.equal(['open>active', 'open>closed', 'active>closed', 'closed>open']);
    // A case closed before the state closed from was kept goes back to active.
    expect(moves(undefined)).to.deep.equal(moves('active'));
  });

  it('reopens a case to the state it was closed from', () => {
    expect(reopenedStatus('open')).to.equal('open');
    expect(reopenedStatus('active')).to.equal('active');
    expect(reopenedStatus(undefined)).to.equal('active');
  });

  it('closes a case at intake only with the reasons that apply at intake, and an active one with the others', () => {
    expect([...closureReasonsFrom('open')]).to.have.members(['duplicate', 'not_within_mandate', 'transferred', 'moved_away', 'lost_contact']).and.have.length(5);
    expect(closureReasonsFrom('open')).to.not.include('reintegrated_family');
    expect(closureReasonsFrom('active')).to.include.members(['reintegrated_family', 'kinship_care', 'foster_care', 'independent_living', 'turned_18', 'death', 'transferred', 'lost_contact', 'other']);
    expect(closureReasonsFrom('active'), 'the intake decided the mandate').to.not.include('not_within_mandate');
    expect(closureReasonsFrom('closed')).to.deep.equal([]);
  });

  it('offers only closure reasons the lookup has, and every code of the lookup somewhere', () => {
    const offered = new Set([...CLOSURE_REASONS.open, ...CLOSURE_REASONS.active]);
    expect([...offered].filter((r) => !(LOOKUPS.closureReason as readonly string[]).includes(r))).to.deep.equal([]);
    expect(LOOKUPS.closureReason.filter((r) => !offered.has(r))).to.deep.equal([]);
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
      // Spoken languages are labelled by Intl first, but Haven's own label exists for every code.
      const lists: Record<string, readonly string[]> = { ...LOOKUPS, spokenLanguage: SPOKEN_LANGUAGES };
      const missing = Object.entries(lists).flatMap(([list, codes]) => codes.filter((code) => !labels[list]?.[code]?.trim()).map((code) => `${list}.${code}`));
      expect(missing).to.deep.equal([]);
      const extra = Object.entries(labels).flatMap(([list, codes]) => Object.keys(codes).filter((code) => !lists[list]?.includes(code)).map((c) => `${list}.${c}`));
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

describe('overdue tasks', () => {
  it('counts a task as overdue from the day after it is due, whatever the hour', () => {
    const due = new Date('2026-12-02T00:00:00Z');
    expect(isOverdue(due, new Date('2026-12-01T23:59:59Z'))).to.equal(false);
    expect(isOverdue(due, new Date('2026-12-02T00:00:00Z'))).to.equal(false);
    expect(isOverdue(due, new Date('2026-12-02T23:59:59Z'))).to.equal(false);
    expect(isOverdue(due, new Date('2026-12-03T00:00:00Z'))).to.equal(true);
  });
});
