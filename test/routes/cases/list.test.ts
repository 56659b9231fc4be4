/**
 * The case list as links shared in the real world reach it, and its page furniture: parameters it does
 * not know are ignored (a messenger's `fbclid`, a campaign's `utm_*`), known ones with bad values are
 * refused with a translated message; the total count; previous and next pages as ranges of the sort key.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Types } from 'mongoose';
import { CASE_PAGE_SIZE } from '../../../src/domain/cases.js';
import { LOCALES_DIR, PUBLIC_DIR } from '../../../src/lib/paths.js';
import { CaseModel } from '../../../src/models/case.js';
import { addTask } from '../../../src/services/cases/notes.js';
import { COUNT_LIMIT } from '../../../src/services/cases/list.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { signIn, type Agent } from '../../helpers/session.js';

const CASE_NUMBER = /[A-Z]{2,12}-\d{4}-\d{5,}/g;

function tableBody(html: string): string {
  const m = /<tbody>([\s\S]*?)<\/tbody>/.exec(html);
  if (!m) throw new Error('no case table on the page');
  return m[1]!;
}

/** The case numbers of the rows, in the order shown. */
function numbers(html: string): string[] {
  return [...tableBody(html).matchAll(CASE_NUMBER)].map((m) => m[0]);
}

function caption(html: string): string {
  const m = /<caption>([\s\S]*?)<span class="visually-hidden">/.exec(html);
  if (!m) throw new Error('no caption');
  return m[1]!.trim();
}

function link(html: string, rel: 'next' | 'prev'): string | undefined {
  const m = new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(html);
  return m ? m[1]!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&') : undefined;
}

function message(locale: string, ns: string, key: string): string {
  const tree = JSON.parse(readFileSync(path.join(LOCALES_DIR, locale, `${ns}.json`), 'utf8')) as Record<string, unknown>;
  return key.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], tree) as string;
}

async function list(agent: Agent, query: string): Promise<{ status: number; text: string }> {
  const res = await agent.get(`/cases${query}`);
  return { status: res.status, text: res.text };
}

async function caseworker(locale = 'en'): Promise<TestUser> {
  const org = await buildOrganisation({ country: 'PH' });
  return buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north', locale });
}

describe('GET /cases: links from the real world, the count and the pages', () => {
  useDatabase('caselist');

  describe('query parameters', () => {
    const TRACKING = 'fbclid=IwAR0fictional&utm_source=messenger&utm_medium=social&utm_campaign=demo&gclid=Cj0fictional&page=2&ref=share&colour=red';

    it('ignores fbclid, utm_*, gclid, page and any other parameter it does not know: 200 with the same rows', async () => {
      const worker = await caseworker();
      await buildCase(worker, { givenName: 'Testmaria', familyName: 'Soriano' }, { team: 'north' });
      await buildCase(worker, { givenName: 'Demojuan', familyName: 'Fictional', riskLevel: 'low' }, { team: 'north' });
      await buildCase(worker, { givenName: 'Demoana', familyName: 'Fictional' }, { team: 'north' });
      const agent = await signIn(await testApp(), worker);
      for (const query of ['', 'q=Sori', 'risk=low', 'q=Fictional&sort=oldest']) {
        const plain = await list(agent, `?${query}`);
        const shared = await list(agent, `?${query}${query ? '&' : ''}${TRACKING}`);
        expect(plain.status, query).to.equal(200);
        expect(shared.status, query).to.equal(200);
        expect(numbers(plain.text).length, `${query}: rows`).to.be.greaterThan(0);
        expect(numbers(shared.text), query).to.deep.equal(numbers(plain.text));
        expect(caption(shared.text), query).to.equal(caption(plain.text));
      }
    });

    it('still refuses a known parameter with a bad value, naming the problem in the user’s language, and lists nothing', async () => {
      const worker = await caseworker('th');
      await buildCase(worker, {}, { team: 'north' });
      const agent = await signIn(await testApp(), worker);
      const invalid = message('th', 'common', 'form.invalid');
      for (const query of ['sort=alphabetical', 'status=deleted', 'risk=extreme', 'caseworker=not-an-id', 'status=open&status=closed', `q=${'x'.repeat(201)}`]) {
        const res = await list(agent, `?${query}&${TRACKING}`);
        expect(res.status, query).to.equal(422);
        expect(res.text, query).to.include('error-summary');
        expect(numbers(res.text), query).to.deep.equal([]);
        if (!query.startsWith('q=')) expect(res.text, query).to.include(invalid);
      }
      for (const query of ['after=%%%garbled', 'before=bm90IGpzb24', `after=${Buffer.from(JSON.stringify([null, String(new Types.ObjectId())])).toString('base64url')}&before=x`]) {
        const res = await list(agent, `?${query}`);
        expect(res.status, query).to.equal(422);
        expect(res.text, query).to.include(message('th', 'cases', 'list.errors.page'));
      }
      expect(message('th', 'cases', 'list.errors.page')).to.not.equal(message('en', 'cases', 'list.errors.page'));
    });
  });

  describe('the total count', () => {
    it('shows how many cases match the filters and the search, in the reader’s language and plural', async () => {
      const worker = await caseworker();
      for (let i = 0; i < 3; i++) await buildCase(worker, { riskLevel: 'high' }, { team: 'north' });
      await buildCase(worker, { riskLevel: 'low', givenName: 'Testmaria', familyName: 'Soriano' }, { team: 'north' });
      // A case the caseworker may not see is not counted.
      const colleague = await buildUser({ roles: ['caseworker'], organisationId: worker.organisationId, team: 'north' });
      await buildCase(colleague, { riskLevel: 'high' }, { team: 'north' });
      const app = await testApp();
      const agent = await signIn(app, worker);
      expect(caption((await list(agent, '')).text)).to.equal('4 cases');
      expect(caption((await list(agent, '?risk=high')).text)).to.equal('3 cases');
      expect(caption((await list(agent, '?q=Sori')).text)).to.equal('1 case');
      expect(caption((await list(agent, '?risk=critical')).text)).to.equal('0 cases');
      const thai = await buildUser({ roles: ['caseworker'], organisationId: worker.organisationId, team: 'north', locale: 'th' });
      await buildCase(thai, {}, { team: 'north' });
      expect(caption((await list(await signIn(app, thai), '')).text)).to.equal(message('th', 'cases', 'list.total_other').replace('{{total}}', '1'));
    });

    it(`counts up to ${COUNT_LIMIT.toLocaleString('en')} and then says "more than"`, async function () {
      this.timeout(120_000);
      const worker = await caseworker();
      const first = await buildCase(worker, {}, { team: 'north' });
      const raw = (await CaseModel.collection.findOne({ _id: new Types.ObjectId(first) }))!;
      const clones = Array.from({ length: COUNT_LIMIT }, (_, i) => ({ ...raw, _id: new Types.ObjectId(), caseNumber: `PH-2020-${String(i + 1).padStart(6, '0')}` }));
      for (let i = 0; i < clones.length; i += 1000) await CaseModel.collection.insertMany(clones.slice(i, i + 1000));
      const res = await list(await signIn(await testApp(), worker), '');
      expect(res.status).to.equal(200);
      expect(caption(res.text)).to.equal('More than 10,000 cases');
      expect(numbers(res.text)).to.have.length(CASE_PAGE_SIZE);
    });
  });

  describe('previous and next pages', () => {
    it('walks forward to the last page and back to the first, the same pages in both directions, for a sort by id and by key', async function () {
      this.timeout(180_000);
      const worker = await caseworker();
      const risks = ['low', 'medium', 'high', 'critical'] as const;
      for (let i = 0; i < 2 * CASE_PAGE_SIZE + 5; i++) await buildCase(worker, { riskLevel: risks[i % 4]! }, { team: 'north' });
      const agent = await signIn(await testApp(), worker);
      for (const sort of ['newest', 'risk']) {
        const forward: string[][] = [];
        // Shared with a tracking parameter, which the page links leave behind.
        let page = await list(agent, `?sort=${sort}&utm_source=x&fbclid=y`);
        expect(link(page.text, 'prev'), `${sort}: the first page has no previous`).to.equal(undefined);
        for (;;) {
          expect(page.status, sort).to.equal(200);
          expect(caption(page.text), sort).to.equal(`${2 * CASE_PAGE_SIZE + 5} cases`);
          forward.push(numbers(page.text));
          const next = link(page.text, 'next');
          if (!next) break;
          expect(next, sort).to.match(/^\/cases\?sort=\w+&after=[A-Za-z0-9_-]+$/);
          page = await list(agent, next.slice('/cases'.length));
        }
        expect(forward.map((p) => p.length), sort).to.deep.equal([CASE_PAGE_SIZE, CASE_PAGE_SIZE, 5]);
        expect(new Set(forward.flat()).size, `${sort}: no overlap`).to.equal(2 * CASE_PAGE_SIZE + 5);
        const backward: string[][] = [forward[forward.length - 1]!];
        for (;;) {
          const previous = link(page.text, 'prev');
          if (!previous) break;
          expect(previous, sort).to.match(/^\/cases\?sort=\w+&before=[A-Za-z0-9_-]+$/);
          page = await list(agent, previous.slice('/cases'.length));
          expect(page.status, sort).to.equal(200);
          backward.unshift(numbers(page.text));
          expect(link(page.text, 'next'), `${sort}: a page reached backwards links forward`).to.not.equal(undefined);
        }
        expect(backward, `${sort}: the same pages backwards`).to.deep.equal(forward);
      }
    });

    it('shows neither link when everything fits on one page', async () => {
      const worker = await caseworker();
      await buildCase(worker, {}, { team: 'north' });
      const page = await list(await signIn(await testApp(), worker), '');
      expect(link(page.text, 'next')).to.equal(undefined);
      expect(link(page.text, 'prev')).to.equal(undefined);
      expect(page.text).to.not.include('class="pager"');
    });
  });

  describe('each row', () => {
    it('shows the next open task due (date and title) to the caseworker, the date only to a manager, and keeps case numbers unbroken', async () => {
      const worker = await caseworker();
      const id = await buildCase(worker, {}, { team: 'north' });
      const caller = callerOf(worker, 'north');
      await addTask(caller, id, { title: 'Fictional later task', dueDate: '2026-12-20' });
      await addTask(caller, id, { title: 'Fictional first task', dueDate: '2026-12-01' });
      const app = await testApp();
      const mine = await list(await signIn(app, worker), '');
      const row = tableBody(mine.text);
      expect(row).to.include('Fictional first task').and.include('datetime="2026-12-01').and.not.include('Fictional later task');
      const manager = await buildUser({ roles: ['manager'], organisationId: worker.organisationId });
      const theirs = tableBody((await list(await signIn(app, manager), '')).text);
      expect(theirs).to.include('datetime="2026-12-01').and.not.include('Fictional first task');
      expect(readFileSync(path.join(PUBLIC_DIR, 'css', 'app.css'), 'utf8')).to.match(/\.case-table td:first-child[^{]*\{[^}]*white-space: nowrap/);
    });
  });
});
