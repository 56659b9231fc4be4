import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { clock } from '../../../src/lib/clock.js';
import { keyedHash } from '../../../src/lib/crypto.js';
import { LOCALES_DIR } from '../../../src/lib/paths.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseModel } from '../../../src/models/case.js';
import { CounterModel } from '../../../src/models/counter.js';
import { identityOf } from '../../../src/services/cases/records.js';
import { PREFIX_MAX, PREFIX_MIN, queryMatchSets, queryTokenSets } from '../../../src/services/cases/name-search.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, caseDetails, detailsBody } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';

/** `မောင်မောင်` as typed with a Zawgyi keyboard. */
const ZAWGYI_MAUNG_MAUNG = '\u1031\u1019\u102c\u1004\u1039\u1031\u1019\u102c\u1004\u1039';
const CASE_NUMBER = /[A-Z]{2,12}-\d{4}-\d{5,}/g;

/** The rows of the case list: what is inside its table body (the search box repeats the query elsewhere). */
function tableBody(html: string): string {
  const m = /<tbody>([\s\S]*?)<\/tbody>/.exec(html);
  if (!m) throw new Error('no case table on the page');
  return m[1]!;
}

function caseNumbersIn(html: string): string[] {
  return [...tableBody(html).matchAll(CASE_NUMBER)].map((m) => m[0]).sort();
}

/** Every string value of some documents, at any depth. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object' && !(value instanceof Date) && !('_bsontype' in value)) return Object.values(value).flatMap(stringsIn);
  return [];
}

async function search(agent: Agent, q: string): Promise<{ status: number; numbers: string[]; text: string }> {
  const res = await agent.get('/cases').query({ q });
  return { status: res.status, numbers: res.status === 200 ? caseNumbersIn(res.text) : [], text: res.text };
}

async function numberOf(id: string): Promise<string> {
  return (await CaseModel.findById(id).lean())!.caseNumber;
}

/** Answers, for every query, the case numbers it found (one assertion shows every miss at once). */
async function searchAll(agent: Agent, queries: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const q of queries) {
    const { status, numbers } = await search(agent, q);
    expect(status, q).to.equal(200);
    out[q] = numbers;
  }
  return out;
}

function message(locale: string, key: string): string {
  const tree = JSON.parse(readFileSync(path.join(LOCALES_DIR, locale, 'cases.json'), 'utf8')) as Record<string, unknown>;
  return key.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], tree) as string;
}

async function caseworker(team = 'north', organisationId?: string): Promise<TestUser> {
  const org = organisationId ?? (await buildOrganisation({ country: 'PH' })).id;
  return buildUser({ roles: ['caseworker'], organisationId: org, team });
}

/** Registers through the form, as a browser does; answers the new case's id. */
async function registerThroughForm(agent: Agent, overrides: Parameters<typeof caseDetails>[0]): Promise<string> {
  const _csrf = await tokenOf(agent, '/cases/new');
  const res = await agent.post('/cases').type('form').send({ _csrf, ...detailsBody(caseDetails(overrides)) });
  expect(res.status, res.text.slice(0, 2000)).to.equal(303);
  return /\/cases\/([0-9a-f]{24})/.exec(String(res.headers.location))![1]!;
}

const LOCAL_ONLY = { givenName: '', familyName: '' };

describe('GET /cases?q= (search by name and case number)', () => {
  useDatabase('casesearch');

  describe('names in scripts written without spaces', () => {
    const SCRIPTS = [
      { script: 'Thai', nationality: 'TH', language: 'th', given: 'สมหญิง', family: 'ใจดี', decoyFamily: 'ทดสอบ' },
      { script: 'Khmer', nationality: 'KH', language: 'km', given: 'សាកល្បង', family: 'ចាន់', decoyFamily: 'គំរូ' },
      { script: 'Lao', nationality: 'LA', language: 'lo', given: 'ທົດລອງ', family: 'ແກ້ວມະນີ', decoyFamily: 'ຕົວຢ່າງ' },
      { script: 'Burmese', nationality: 'MM', language: 'my', given: 'မောင်မောင်', family: 'စမ်းသပ်', decoyFamily: 'ဥပမာ' },
    ];
    for (const s of SCRIPTS) {
      it(`finds a ${s.script} name by the given name, the family name, and the full name typed with or without a space`, async () => {
        const worker = await caseworker();
        const local = { ...LOCAL_ONLY, nationality: s.nationality, languages: [s.language] };
        const target = await numberOf(await buildCase(worker, { ...local, givenNameLocal: s.given, familyNameLocal: s.family }, { team: 'north' }));
        const decoy = await numberOf(await buildCase(worker, { ...local, givenNameLocal: s.given, familyNameLocal: s.decoyFamily }, { team: 'north' }));
        const agent = await signIn(await testApp(), worker);
        const found = await searchAll(agent, [s.given, s.family, s.given + s.family, `${s.given} ${s.family}`, s.family + s.given, `${s.family} ${s.given}`]);
        expect(found).to.deep.equal({
          [s.given]: [target, decoy].sort(),
          [s.family]: [target],
          [s.given + s.family]: [target],
          [`${s.given} ${s.family}`]: [target],
          [s.family + s.given]: [target],
          [`${s.family} ${s.given}`]: [target],
        });
        const page = await search(agent, s.family);
        expect(tableBody(page.text)).to.include(`${s.given} ${s.family}`);
      });
    }

    it('finds a Burmese name stored in Unicode when the query is typed in Zawgyi (I6)', async () => {
      const worker = await caseworker();
      const target = await numberOf(await buildCase(worker, { ...LOCAL_ONLY, givenNameLocal: 'မောင်မောင်', familyNameLocal: 'စမ်းသပ်', nationality: 'MM', languages: ['my'] }, { team: 'north' }));
      await buildCase(worker, { ...LOCAL_ONLY, givenNameLocal: 'ဇော်', familyNameLocal: 'ဥပမာ', nationality: 'MM', languages: ['my'] }, { team: 'north' });
      const agent = await signIn(await testApp(), worker);
      expect(await searchAll(agent, [ZAWGYI_MAUNG_MAUNG])).to.deep.equal({ [ZAWGYI_MAUNG_MAUNG]: [target] });
    });

    it('stores a name typed in Zawgyi on the registration form as Unicode, and finds it by Unicode and Zawgyi queries (I6)', async () => {
      const worker = await caseworker();
      const agent = await signIn(await testApp(), worker);
      const id = await registerThroughForm(agent, { ...LOCAL_ONLY, givenNameLocal: ZAWGYI_MAUNG_MAUNG, familyNameLocal: 'စမ်းသပ်', nationality: 'MM', languages: ['my'] });
      const stored = identityOf((await CaseModel.findById(id).lean())!);
      expect(stored.givenNameLocal).to.equal('မောင်မောင်');
      const target = await numberOf(id);
      expect(await searchAll(agent, ['မောင်မောင်', ZAWGYI_MAUNG_MAUNG, 'မောင်မောင်စမ်းသပ်'])).to.deep.equal({
        'မောင်မောင်': [target],
        [ZAWGYI_MAUNG_MAUNG]: [target],
        'မောင်မောင်စမ်းသပ်': [target],
      });
      const list = await search(agent, 'မောင်မောင်');
      expect(tableBody(list.text)).to.include('မောင်မောင် စမ်းသပ်').and.not.include(ZAWGYI_MAUNG_MAUNG);
    });

    // The words of a full name typed without a space are cut by Intl.Segmenter, which may cut across the
    // boundary between the given and the family name differently from how it cut each name alone.
    const RUN_TOGETHER = [
      { script: 'Thai', given: 'มีสุข', family: 'สมมติ', typed: 'มีสุขสมมติ' },
      { script: 'Khmer (family name first)', given: 'សាកល្បង', family: 'សុខា', typed: 'សុខាសាកល្បង' },
    ];
    for (const s of RUN_TOGETHER) {
      it(`finds a ${s.script} full name typed without a space even where its words run together across the two names (${s.typed})`, async () => {
        const worker = await caseworker();
        const target = await numberOf(await buildCase(worker, { ...LOCAL_ONLY, givenNameLocal: s.given, familyNameLocal: s.family }, { team: 'north' }));
        const agent = await signIn(await testApp(), worker);
        expect(await searchAll(agent, [s.given, s.family, s.typed])).to.deep.equal({ [s.given]: [target], [s.family]: [target], [s.typed]: [target] });
      });
    }

    it('finds a Unicode Burmese name with a stacked consonant typed in full, without taking the query for Zawgyi (I6)', async () => {
      const worker = await caseworker();
      const agent = await signIn(await testApp(), worker);
      const target = await numberOf(await registerThroughForm(agent, { ...LOCAL_ONLY, givenNameLocal: 'သန္တာ', familyNameLocal: 'ဥပမာ', nationality: 'MM', languages: ['my'] }));
      expect(await searchAll(agent, ['သန္တာ', 'ဥပမာ', 'သန္တာ ဥပမာ', 'သန္တာဥပမာ'])).to.deep.equal({
        'သန္တာ': [target],
        'ဥပမာ': [target],
        'သန္တာ ဥပမာ': [target],
        'သန္တာဥပမာ': [target],
      });
    });
  });

  describe('Vietnamese and Latin names', () => {
    it('finds a Vietnamese name registered in decomposed form (NFD) by composed and decomposed queries and without diacritics', async () => {
      const worker = await caseworker();
      const agent = await signIn(await testApp(), worker);
      const given = 'Thử Nghiệm';
      const family = 'Đoàn Giả';
      const id = await registerThroughForm(agent, { givenName: given.normalize('NFD'), familyName: family.normalize('NFD'), nationality: 'VN', languages: ['vi'] });
      const target = await numberOf(id);
      const decoy = await numberOf(await buildCase(worker, { givenName: 'Nghiem', familyName: 'Demo', nationality: 'VN', languages: ['vi'] }, { team: 'north' }));
      expect(identityOf((await CaseModel.findById(id).lean())!)).to.include({ givenName: given, familyName: family });
      const queries = [given, given.normalize('NFD'), `${family} ${given}`, `${family} ${given}`.normalize('NFD'), 'Đoàn', 'Doan Thu', 'doan gia thu nghiem', 'ĐOÀN GIẢ'];
      const found = await searchAll(agent, queries);
      expect(found).to.deep.equal(Object.fromEntries(queries.map((q) => [q, [target]])));
      expect(await searchAll(agent, ['nghiem'])).to.deep.equal({ nghiem: [target, decoy].sort() });
      const list = await search(agent, given.normalize('NFD'));
      expect(tableBody(list.text)).to.include(`${given} ${family}`);
    });

    it('matches Latin names whatever their case', async () => {
      const worker = await caseworker();
      const target = await numberOf(await buildCase(worker, { givenName: 'Testchild', familyName: 'Fictional-Searchable' }, { team: 'north' }));
      const other = await numberOf(await buildCase(worker, { givenName: 'Demochild', familyName: 'Fictional-Other' }, { team: 'north' }));
      const agent = await signIn(await testApp(), worker);
      const queries = ['testchild', 'TESTCHILD', 'tEsTcHiLd', 'Searchable', 'testchild fictional-SEARCHABLE', 'Fictional Searchable Testchild'];
      expect(await searchAll(agent, queries)).to.deep.equal(Object.fromEntries(queries.map((q) => [q, [target]])));
      expect(await searchAll(agent, ['FICTIONAL'])).to.deep.equal({ FICTIONAL: [target, other].sort() });
    });

    it('finds a child known by a single name, in Latin or local script', async () => {
      const worker = await caseworker();
      const latin = await numberOf(await buildCase(worker, { givenName: 'Demosolo', familyName: '' }, { team: 'north' }));
      const local = await numberOf(await buildCase(worker, { ...LOCAL_ONLY, givenNameLocal: 'ทดสอบ', familyNameLocal: '', nationality: 'TH', languages: ['th'] }, { team: 'north' }));
      const agent = await signIn(await testApp(), worker);
      expect(await searchAll(agent, ['Demosolo', 'demosolo', 'ทดสอบ'])).to.deep.equal({ Demosolo: [latin], demosolo: [latin], 'ทดสอบ': [local] });
      expect(tableBody((await search(agent, 'Demosolo')).text)).to.include('Demosolo');
    });

    it('finds nothing when one of the typed parts is no name of the child', async () => {
      const worker = await caseworker();
      await buildCase(worker, { givenName: 'Testchild', familyName: 'Fictional' }, { team: 'north' });
      await buildCase(worker, { ...LOCAL_ONLY, givenNameLocal: 'สมหญิง', familyNameLocal: 'ใจดี' }, { team: 'north' });
      const agent = await signIn(await testApp(), worker);
      expect(await searchAll(agent, ['Testchild Nobody', 'Testchildren', 'สมหญิง ทดสอบ', 'สมหญิงทดสอบ'])).to.deep.equal({
        'Testchild Nobody': [],
        Testchildren: [],
        'สมหญิง ทดสอบ': [],
        'สมหญิงทดสอบ': [],
      });
    });
  });

  describe('the beginning of a Latin name', () => {
    it('finds "Soriano" by "Sori", and by any beginning of 3 letters or more, in any letter case and without diacritics', async () => {
      const worker = await caseworker();
      const soriano = await numberOf(await buildCase(worker, { givenName: 'Testmaria', familyName: 'Soriano' }, { team: 'north' }));
      const sorensen = await numberOf(await buildCase(worker, { givenName: 'Demojuan', familyName: 'Sorensen' }, { team: 'north' }));
      const doan = await numberOf(await buildCase(worker, { givenName: 'Thử', familyName: 'Đoàn', nationality: 'VN', languages: ['vi'] }, { team: 'north' }));
      const agent = await signIn(await testApp(), worker);
      expect(await searchAll(agent, ['Sori', 'sori', 'SORIAN', 'Soriano', 'Sor', 'Sori Testm', 'testmar soriano', 'Demoj Sor', 'Doa', 'đoà', 'ĐOÀN'])).to.deep.equal({
        Sori: [soriano],
        sori: [soriano],
        SORIAN: [soriano],
        Soriano: [soriano],
        Sor: [soriano, sorensen].sort(),
        'Sori Testm': [soriano],
        'testmar soriano': [soriano],
        'Demoj Sor': [sorensen],
        Doa: [doan],
        'đoà': [doan],
        'ĐOÀN': [doan],
      });
    });

    it('finds nothing by a beginning that runs past the name, or by one of its parts that is no beginning of a name', async () => {
      const worker = await caseworker();
      await buildCase(worker, { givenName: 'Testmaria', familyName: 'Soriano' }, { team: 'north' });
      const agent = await signIn(await testApp(), worker);
      expect(await searchAll(agent, ['Sorianos', 'Soria Nobody', 'oriano', 'Testmarias'])).to.deep.equal({ Sorianos: [], 'Soria Nobody': [], oriano: [], Testmarias: [] });
    });

    it('does not take two letters for a beginning: "So" finds only a name part that is exactly "So"', async () => {
      const worker = await caseworker();
      const exact = await numberOf(await buildCase(worker, { givenName: 'So', familyName: 'Testexact' }, { team: 'north' }));
      const soriano = await numberOf(await buildCase(worker, { givenName: 'Testmaria', familyName: 'Soriano' }, { team: 'north' }));
      const agent = await signIn(await testApp(), worker);
      expect(await searchAll(agent, ['So', 'so', 'SO', 'Sor'])).to.deep.equal({ So: [exact], so: [exact], SO: [exact], Sor: [soriano] });
      expect(queryMatchSets('So'), 'a two-letter part asks for its whole word only').to.deep.equal([[[keyedHash('name-search', 'so')]]]);
    });

    it(`matches a typed part of more than ${PREFIX_MAX} letters as a whole word only`, async () => {
      const worker = await caseworker();
      const long = 'Testlongfamilyname';
      const target = await numberOf(await buildCase(worker, { givenName: 'Testmaria', familyName: long }, { team: 'north' }));
      const agent = await signIn(await testApp(), worker);
      const atMost = long.slice(0, PREFIX_MAX);
      const past = long.slice(0, PREFIX_MAX + 1);
      expect(await searchAll(agent, [atMost, past, long])).to.deep.equal({ [atMost]: [target], [past]: [], [long]: [target] });
    });
  });

  describe('a case number by its digits', () => {
    /** Registers the organisation's case number `serial` of this year (the counter set just before it). */
    async function caseNumbered(worker: TestUser, serial: number, overrides: Parameters<typeof buildCase>[1] = {}): Promise<{ id: string; number: string }> {
      const _id = `case:${worker.organisationId}:${clock.now().getUTCFullYear()}`;
      await CounterModel.updateOne({ _id }, { $set: { seq: serial - 1 } }, { upsert: true });
      const id = await buildCase(worker, overrides, { team: 'north' });
      return { id, number: await numberOf(id) };
    }

    it('finds PH-2026-00110 by "00110", "110", "2026-00110" and Thai digits, and nothing by digits no case has', async () => {
      const worker = await caseworker();
      const year = clock.now().getUTCFullYear();
      const target = await caseNumbered(worker, 110);
      expect(target.number).to.equal(`PH-${year}-00110`);
      const other = await caseNumbered(worker, 1100);
      const agent = await signIn(await testApp(), worker);
      const queries = ['00110', '110', ` 0110 `, `${year}-00110`, `${year}-110`, '๐๐๑๑๐'];
      expect(await searchAll(agent, queries)).to.deep.equal(Object.fromEntries(queries.map((q) => [q, [target.number]])));
      expect(await searchAll(agent, ['01100', '00111', `${year - 1}-00110`, '11'])).to.deep.equal({ '01100': [other.number], '00111': [], [`${year - 1}-00110`]: [], '11': [] });
      expect(tableBody((await search(agent, '00110')).text)).to.include(`href="/cases/${target.id}"`);
    });

    it('lets a manager search by digits (a case number search), showing the de-identified row', async () => {
      const worker = await caseworker();
      const target = await caseNumbered(worker, 110, { givenName: 'Digitshidden', familyName: 'Fictional' });
      const manager = await buildUser({ roles: ['manager'], organisationId: worker.organisationId });
      const res = await search(await signIn(await testApp(), manager), '00110');
      expect(res.status).to.equal(200);
      expect(res.numbers).to.deep.equal([target.number]);
      expect(res.text).to.not.include('Digitshidden');
    });

    it('finds no case of another organisation or of another caseworker by its digits', async () => {
      const worker = await caseworker();
      const own = await caseNumbered(worker, 110);
      const colleague = await buildUser({ roles: ['caseworker'], organisationId: worker.organisationId, team: 'north' });
      const orgB = await buildOrganisation({ country: 'PH' });
      const workerB = await caseworker('north', orgB.id);
      const foreign = await caseNumbered(workerB, 110);
      expect(foreign.number).to.equal(own.number);
      const app = await testApp();
      expect(await searchAll(await signIn(app, worker), ['00110'])).to.deep.equal({ '00110': [own.number] });
      expect(await searchAll(await signIn(app, colleague), ['00110'])).to.deep.equal({ '00110': [] });
      const rowsB = await search(await signIn(app, workerB), '00110');
      expect(tableBody(rowsB.text)).to.include(`/cases/${foreign.id}`).and.not.include(`/cases/${own.id}`);
    });
  });

  describe('case numbers', () => {
    it('finds exactly the case with the typed number, in any letter case and with spaces around it', async () => {
      const worker = await caseworker();
      const ids = [await buildCase(worker, {}, { team: 'north' }), await buildCase(worker, {}, { team: 'north' }), await buildCase(worker, {}, { team: 'north' })];
      const wanted = await numberOf(ids[1]!);
      expect(wanted).to.match(/^PH-\d{4}-00002$/);
      const agent = await signIn(await testApp(), worker);
      const queries = [wanted, wanted.toLowerCase(), `  ${wanted} `];
      expect(await searchAll(agent, queries)).to.deep.equal(Object.fromEntries(queries.map((q) => [q, [wanted]])));
      const row = await search(agent, wanted);
      expect(tableBody(row.text)).to.include(`href="/cases/${ids[1]}"`);
      const missing = wanted.replace(/\d{5}$/, '00099');
      expect(await searchAll(agent, [missing])).to.deep.equal({ [missing]: [] });
    });

    it('finds no case of another organisation by its number', async () => {
      const worker = await caseworker();
      const foreign = await numberOf(await buildCase(worker, {}, { team: 'north' }));
      const orgB = await buildOrganisation({ country: 'TH' });
      const workerB = await caseworker('north', orgB.id);
      const own = await numberOf(await buildCase(workerB, {}, { team: 'north' }));
      const managerB = await buildUser({ roles: ['manager'], organisationId: orgB.id });
      const app = await testApp();
      expect(await searchAll(await signIn(app, workerB), [foreign, own])).to.deep.equal({ [foreign]: [], [own]: [own] });
      expect(await searchAll(await signIn(app, managerB), [foreign, own])).to.deep.equal({ [foreign]: [], [own]: [own] });
    });
  });

  describe('who finds what', () => {
    it('finds nothing for staff of another organisation searching a name that exists only in the first', async () => {
      const workerA = await caseworker('north');
      const inA = await numberOf(await buildCase(workerA, { givenName: 'Crossorgchild', familyName: 'Fictional', givenNameLocal: 'สมหญิง', familyNameLocal: 'ใจดี' }, { team: 'north' }));
      const orgB = await buildOrganisation({ country: 'TH' });
      const workerB = await caseworker('north', orgB.id);
      const inB = await numberOf(await buildCase(workerB, { givenName: 'Orgbchild', familyName: 'Fictional' }, { team: 'north' }));
      // Same team name as the case in A: a team is only a team within its organisation.
      const supervisorB = await buildUser({ roles: ['supervisor'], organisationId: orgB.id, team: 'north' });
      const app = await testApp();
      const queries = ['Crossorgchild', 'Crossorgchild Fictional', 'สมหญิงใจดี', 'Fictional'];
      expect(await searchAll(await signIn(app, workerA), queries)).to.deep.equal({ Crossorgchild: [inA], 'Crossorgchild Fictional': [inA], 'สมหญิงใจดี': [inA], Fictional: [inA] });
      const expectedInB = { Crossorgchild: [], 'Crossorgchild Fictional': [], 'สมหญิงใจดี': [], Fictional: [inB] };
      expect(await searchAll(await signIn(app, workerB), queries)).to.deep.equal(expectedInB);
      expect(await searchAll(await signIn(app, supervisorB), queries)).to.deep.equal(expectedInB);
    });

    it('does not find for a caseworker a case assigned to another caseworker of the same organisation; their supervisor finds it', async () => {
      const owner = await caseworker('north');
      const colleague = await buildUser({ roles: ['caseworker'], organisationId: owner.organisationId, team: 'north' });
      const supervisor = await buildUser({ roles: ['supervisor'], organisationId: owner.organisationId, team: 'north' });
      const target = await numberOf(await buildCase(owner, { givenName: 'Scopechild', familyName: 'Fictional' }, { team: 'north' }));
      const app = await testApp();
      const queries = ['Scopechild', target];
      expect(await searchAll(await signIn(app, owner), queries)).to.deep.equal({ Scopechild: [target], [target]: [target] });
      expect(await searchAll(await signIn(app, colleague), queries)).to.deep.equal({ Scopechild: [], [target]: [] });
      expect(await searchAll(await signIn(app, supervisor), queries)).to.deep.equal({ Scopechild: [target], [target]: [target] });
    });
  });

  describe('managers', () => {
    for (const locale of ['en', 'km']) {
      it(`answers 422 with the "case number only" message in the manager's language (${locale}) to a search by name`, async () => {
        const worker = await caseworker();
        await buildCase(worker, { givenName: 'Managerchild', familyName: 'Fictional' }, { team: 'north' });
        const manager = await buildUser({ roles: ['manager'], organisationId: worker.organisationId, locale });
        const agent = await signIn(await testApp(), manager);
        const res = await search(agent, 'Managerchild');
        expect(res.status).to.equal(422);
        expect(res.text).to.include(message(locale, 'list.errors.numberOnly'));
        if (locale !== 'en') expect(res.text).to.not.include(message('en', 'list.errors.numberOnly'));
        expect(caseNumbersIn(res.text)).to.deep.equal([]);
        expect(await AuditEntryModel.countDocuments({ action: 'case_search', outcome: 'success' })).to.equal(0);
      });
    }

    it('shows a manager searching by case number the de-identified row, with no name on the page', async () => {
      const worker = await caseworker();
      const id = await buildCase(worker, { givenName: 'Hiddenchild', familyName: 'Fictional-Secret', givenNameLocal: 'สมหญิง', familyNameLocal: 'ใจดี', nickname: 'Deminick' }, { team: 'north' });
      await buildCase(worker, {}, { team: 'north' });
      const wanted = await numberOf(id);
      const manager = await buildUser({ roles: ['manager'], organisationId: worker.organisationId });
      const res = await search(await signIn(await testApp(), manager), wanted);
      expect(res.status).to.equal(200);
      expect(res.numbers).to.deep.equal([wanted]);
      for (const name of ['Hiddenchild', 'Fictional-Secret', 'สมหญิง', 'ใจดี', 'Deminick']) expect(res.text).to.not.include(name);
      expect(tableBody(res.text)).to.not.include(`/cases/${id}`);
      expect(res.text).to.include(message('en', 'list.deidentified'));
    });
  });

  describe('what is stored and audited', () => {
    const NAMES = { givenName: 'Rawcheckchild', familyName: 'Fictionalsurname', givenNameLocal: 'สมหญิง', familyNameLocal: 'ใจดีทดสอบ', nickname: 'Demonickname' };
    const PLAIN = ['Rawcheckchild', 'rawcheckchild', 'Fictionalsurname', 'fictionalsurname', 'สมหญิง', 'หญิง', 'ใจดี', 'ทดสอบ', 'Demonickname', 'demonickname', 'Thử Nghiệm', 'thử', 'nghiệm', 'Nghiem', 'nghiem', 'Đoàn', 'đoàn'];

    it('keeps no name in plaintext in the cases collection; its search tokens are keyed hashes (D3)', async () => {
      const worker = await caseworker();
      const agent = await signIn(await testApp(), worker);
      await registerThroughForm(agent, NAMES);
      await buildCase(worker, { givenName: 'Thử Nghiệm', familyName: 'Đoàn' }, { team: 'north' });
      const raw = await CaseModel.collection.find().toArray();
      expect(raw).to.have.length(2);
      const text = JSON.stringify(raw);
      for (const name of PLAIN) expect(text, name).to.not.include(name);
      const tokens = raw.flatMap((d) => d.searchTokens as string[]);
      expect(tokens.length).to.be.greaterThan(0);
      for (const t of tokens) expect(t).to.match(/^[0-9a-f]{64}$/);
      expect(tokens).to.include(keyedHash('name-search', 'rawcheckchild'));
      expect(tokens).to.include(keyedHash('name-search', 'nghiem'));
      expect(tokens).to.not.include(createHash('sha256').update('rawcheckchild').digest('hex'));
    });

    it('keeps no name in plaintext in any collection of the database', async () => {
      const worker = await caseworker();
      const agent = await signIn(await testApp(), worker);
      await registerThroughForm(agent, NAMES);
      await search(agent, 'Rawcheckchild');
      await search(agent, 'สมหญิงใจดี');
      const db = mongoose.connection.db!;
      for (const { name } of await db.listCollections().toArray()) {
        const text = JSON.stringify(await db.collection(name).find().toArray());
        for (const plain of PLAIN) expect(text, `${name}: ${plain}`).to.not.include(plain);
      }
    });

    it('keeps no beginning of any name in plaintext in any collection; the beginnings are keyed hashes under a key of their own (D3)', async () => {
      const names = { givenName: 'Qzxvorename', familyName: 'Wyqplastname Đỹzqtest', nickname: 'Jvkdemonick', givenNameLocal: 'สมหญิง', familyNameLocal: 'ใจดี' };
      const worker = await caseworker();
      const agent = await signIn(await testApp(), worker);
      await registerThroughForm(agent, names);
      expect((await search(agent, 'Qzxv')).numbers).to.have.length(1);
      expect((await search(agent, 'dyzq wyqpl')).numbers).to.have.length(1);
      // Every beginning of every part, as typed and without diacritics, from 3 letters to the whole part.
      const parts = ['qzxvorename', 'wyqplastname', 'đỹzqtest', 'dyzqtest', 'jvkdemonick'];
      const beginnings = parts.flatMap((p) => [...Array(p.length - PREFIX_MIN + 1).keys()].map((i) => p.slice(0, PREFIX_MIN + i)));
      expect(beginnings).to.include.members(['qzx', 'qzxv', 'đỹz', 'dyz', 'jvkdemonick']);
      // Every stored string is compared whole with every beginning (a token stored in the clear would be
      // one); beginnings of 5 letters or more are also looked for inside every string. Shorter ones would
      // turn up by chance inside random session ids and ciphertexts.
      const db = mongoose.connection.db!;
      const leaks: string[] = [];
      for (const { name } of await db.listCollections().toArray()) {
        const docs = await db.collection(name).find().toArray();
        const strings = stringsIn(docs).map((v) => v.toLowerCase());
        const text = JSON.stringify(docs).toLowerCase();
        for (const b of beginnings) {
          if (strings.includes(b) || (b.length >= 5 && text.includes(b))) leaks.push(`${b} in ${name}`);
        }
      }
      expect(leaks).to.deep.equal([]);
      // The scan has something to find: the tokens are there, hashed, and a beginning never doubles as a word.
      const tokens = (await CaseModel.collection.findOne({}))!.searchTokens as string[];
      for (const t of tokens) expect(t).to.match(/^[0-9a-f]{64}$/);
      expect(tokens).to.include.members(['qzx', 'qzxv', 'qzxvorenam', 'wyqpl', 'đỹzq', 'dyzq', 'jvkd'].map((b) => keyedHash('name-prefix', b)));
      expect(tokens).to.include(keyedHash('name-search', 'qzxvorename'));
      expect(tokens).to.not.include.members([keyedHash('name-search', 'qzxv'), keyedHash('name-prefix', 'qzxvorename'), keyedHash('name-prefix', 'qzxvorename'.slice(0, PREFIX_MAX + 1))]);
      // No beginnings for the scripts written without spaces: their words come from the segmenter.
      expect(tokens).to.not.include(keyedHash('name-prefix', 'สมห'));
    });

    it('writes a case_search audit entry for each search, without the query text', async () => {
      const worker = await caseworker();
      const target = await numberOf(await buildCase(worker, { givenName: 'Auditchild', familyName: 'Fictional', givenNameLocal: 'สมหญิง', familyNameLocal: 'ใจดี' }, { team: 'north' }));
      const agent = await signIn(await testApp(), worker);
      const queries = ['Auditchild Fictional', 'สมหญิงใจดี', target, 'Nobodyfound'];
      const found = await searchAll(agent, queries);
      expect(found).to.deep.equal({ 'Auditchild Fictional': [target], 'สมหญิงใจดี': [target], [target]: [target], Nobodyfound: [] });
      const entries = await AuditEntryModel.collection.find({ action: 'case_search' }).sort({ seq: 1 }).toArray();
      expect(entries).to.have.length(queries.length);
      for (const e of entries) {
        expect(String(e.userId)).to.equal(worker.id);
        expect(e.outcome).to.equal('success');
        expect(e.recordType).to.equal('case');
      }
      const text = JSON.stringify(entries).toLowerCase();
      const hashes = queries.flatMap((q) => queryTokenSets(q).flat());
      for (const piece of ['auditchild', 'fictional', 'สมหญิง', 'ใจดี', 'หญิง', target.toLowerCase(), 'nobodyfound', ...hashes]) expect(text, piece).to.not.include(piece);
    });
  });
});
