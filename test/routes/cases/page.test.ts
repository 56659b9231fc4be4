/**
 * The case page and the case history, as a reader sees them: whose case it is (name in both scripts,
 * age, risk, status, caseworkers), every date in the reader's language and calendar and never as a raw
 * ISO date, "Not recorded" for what is empty, sections that fold without script; the history with date
 * and time, the earlier and the new values for supervisors, notes and tasks, in the order entered.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import { CaseModel } from '../../../src/models/case.js';
import { CaseChangeModel } from '../../../src/models/case-change.js';
import { CaseTaskModel } from '../../../src/models/case-task.js';
import { formatDate, formatDateTime } from '../../../src/lib/i18n/format.js';
import { scriptLanguage } from '../../../src/lib/i18n/script.js';
import { addConsent, addFamilyMember, updateFamilyMember } from '../../../src/services/cases/family.js';
import { recordAssessment } from '../../../src/services/care/assessments.js';
import { addNote, addTask, completeTask } from '../../../src/services/cases/notes.js';
import { type CaseDetails } from '../../../src/services/cases/records.js';
import { ageFrom } from '../../../src/services/cases/view.js';
import { updateCase } from '../../../src/services/cases/cases.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, callerOf, caseDetails } from '../../helpers/cases.js';
import { closeThroughApproval } from '../../helpers/closures.js';
import { advance, now } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { visibleText } from '../../helpers/pages.js';
import { plant } from '../../helpers/secrets.js';
import { signIn } from '../../helpers/session.js';

const ISO_DATE = /\d{4}-\d{2}-\d{2}/;

describe('the case page and its history', () => {
  useDatabase('casepage');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  interface Staff {
    orgId: string;
    worker: TestUser;
    supervisor: TestUser;
  }

  async function staff(locale = 'en'): Promise<Staff> {
    const org = await buildOrganisation({ country: 'PH' });
    const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north', locale });
    const supervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: 'north', locale });
    return { orgId: org.id, worker, supervisor };
  }

  async function version(id: string): Promise<number> {
    return (await CaseModel.findById(id).lean())!.__v ?? 0;
  }

  /** A case with every dated part filled in: assessment, consent, note, task; then closed. */
  async function datedCase(s: Staff, overrides: Partial<CaseDetails> = {}): Promise<string> {
    const id = await buildCase(s.worker, { intakeDate: '2026-03-02', dateOfBirth: '2014-05-06', ...overrides }, { team: 'north' });
    const caller = callerOf(s.worker, 'north');
    await addConsent(caller, id, { purpose: 'services', organisationId: '', givenBy: 'guardian', date: '2026-03-04', formVersion: 'F1' });
    await addNote(caller, id, { type: 'home_visit', date: '2026-03-05', language: 'en', text: 'Fictional visit' });
    await addTask(caller, id, { title: 'Fictional task', dueDate: '2026-12-01' });
    await recordAssessment(caller, id, { type: 'needs', date: '2026-03-03', language: 'en', scores: { family: 4, safety: 3 }, notes: { family: 'Fictional assessment' }, overall: '' });
    await closeThroughApproval(s.worker, s.supervisor, 'north', id, 'duplicate', '2026-03-06');
    return id;
  }

  describe('GET /cases/:id', () => {
    for (const lng of ['en', 'th']) {
      it(`shows no raw ISO date anywhere, every date through the reader's calendar (${lng})`, async () => {
        const s = await staff(lng);
        const id = await datedCase(s);
        const res = await (await signIn(app, s.supervisor)).get(`/cases/${id}`);
        expect(res.status).to.equal(200);
        const shown = visibleText(res.text);
        expect(shown.filter((t) => ISO_DATE.test(t))).to.deep.equal([]);
        // The exact day stays machine-readable, and is shown in the reader's calendar.
        for (const day of ['2026-03-02', '2014-05-06']) {
          expect(res.text).to.include(`<time datetime="${day}">${formatDate(day, lng)}</time>`);
        }
        if (lng === 'th') {
          // Buddhist era: 2026 is 2569, 2014 is 2557.
          expect(shown.join('\n')).to.include('2569').and.include('2557');
        }
      });
    }

    it('heads the page with the name in both scripts (the local one tagged with its language), age, risk badge, status and caseworker', async () => {
      const s = await staff();
      const today = new Date(now());
      const tenYearsAgo = `${today.getUTCFullYear() - 10}-01-01`;
      const local = plant('สมหญิงทดสอบ');
      const id = await buildCase(s.worker, { givenName: plant('Testheader'), familyName: 'Fictional', givenNameLocal: local, dateOfBirth: tenYearsAgo, riskLevel: 'critical' }, { team: 'north' });
      const res = await (await signIn(app, s.worker)).get(`/cases/${id}`);
      const header = res.text.slice(res.text.indexOf('<header class="case-header'), res.text.indexOf('</header>', res.text.indexOf('<header class="case-header')));
      expect(header).to.include('<span class="name-latin">Testheader Fictional</span>');
      expect(header).to.include(`<span class="name-local" lang="th">${local}</span>`);
      expect(header).to.include('10 years').and.not.include('estimated');
      expect(header).to.include('<span class="badge risk-badge risk-critical">Critical</span>');
      expect(header).to.include('Open');
      expect(header).to.match(/Test User \d+ \(fictional\)/);
    });

    it('computes the age from the date of birth, a year less before the birthday', () => {
      expect(ageFrom('2014-05-06', new Date('2026-05-05T23:00:00Z'))).to.equal(11);
      expect(ageFrom('2014-05-06', new Date('2026-05-06T00:00:00Z'))).to.equal(12);
      expect(ageFrom('2012-02-29', new Date('2026-02-28T12:00:00Z'))).to.equal(13);
      expect(ageFrom('', new Date())).to.equal(undefined);
    });

    it('marks an age that comes from the estimate as estimated', async () => {
      const s = await staff();
      const id = await buildCase(s.worker, { dateOfBirth: '', estimatedAge: '12' }, { team: 'north' });
      const res = await (await signIn(app, s.worker)).get(`/cases/${id}`);
      expect(res.text).to.include('About 12 years (estimated)');
    });

    it('tags a Khmer name with km, and a Latin local name with the child’s first language', () => {
      expect(scriptLanguage('សុខា')).to.equal('km');
      expect(scriptLanguage('ສົມພອນ')).to.equal('lo');
      expect(scriptLanguage('မောင်မောင်')).to.equal('my');
      expect(scriptLanguage('Nguyễn', 'vi')).to.equal('vi');
      expect(scriptLanguage('Nguyễn')).to.equal(undefined);
    });

    it('says "Not recorded" for every empty field, never a bare label', async () => {
      const s = await staff();
      const id = await buildCase(s.worker, { nickname: '', school: '', location: '', givenNameLocal: '', familyNameLocal: '', disability: '', placement: '' }, { team: 'north' });
      const res = await (await signIn(app, s.worker)).get(`/cases/${id}`);
      for (const label of ['Nickname', 'School', 'Given name in local script', 'Family name in local script', 'Disability', 'Current placement', 'Estimated age (years)']) {
        expect(res.text, label).to.include(`${label}</dt><dd><span class="not-recorded">Not recorded</span></dd>`);
      }
      expect(res.text).to.not.match(/<dd[^>]*>\s*<\/dd>/);
    });

    it('folds every section in <details>, with the most used open and the one a save returns to', async () => {
      const s = await staff();
      const id = await buildCase(s.worker, {}, { team: 'north' });
      const agent = await signIn(app, s.worker);
      const sections = (html: string) => Object.fromEntries([...html.matchAll(/<details class="card section" id="(\w+)"( open)?>\s*<summary><h2>/g)].map((m) => [m[1]!, Boolean(m[2])]));
      expect(sections((await agent.get(`/cases/${id}`)).text)).to.deep.equal({
        intake: false,
        child: true,
        family: false,
        assessments: false,
        legal: false,
        consents: false,
        notes: true,
        tasks: true,
        attachments: false,
        timeline: false,
      });
      const afterSave = sections((await agent.get(`/cases/${id}?done=family`)).text);
      expect(afterSave).to.include({ family: true, consents: false });
      expect(sections((await agent.get(`/cases/${id}?done=consent`)).text)).to.include({ consents: true });
      // The contents' links open the section they point to, without a script; an unknown name opens nothing.
      const page = (await agent.get(`/cases/${id}`)).text;
      expect(page).to.include('href="?open=timeline#timeline"');
      expect(sections((await agent.get(`/cases/${id}?open=timeline`)).text)).to.include({ timeline: true, intake: false });
      expect(sections((await agent.get(`/cases/${id}?open=nothing`)).text)).to.include({ timeline: false, intake: false });
    });

    it('lists the timeline by when entries were made, with their time', async () => {
      const s = await staff();
      const id = await buildCase(s.worker, {}, { team: 'north' });
      const caller = callerOf(s.worker, 'north');
      advance(60_000);
      // A visit typed as weeks ago, entered now: it is the newest entry.
      await addNote(caller, id, { type: 'phone', date: '2026-01-02', language: 'en', text: 'Fictional call' });
      const res = await (await signIn(app, s.worker)).get(`/cases/${id}`);
      const timeline = res.text.slice(res.text.indexOf('<ol class="plain timeline">'));
      const items = [...timeline.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
      expect(items[0]).to.include('Note').and.match(/\d{1,2}:\d{2}/);
      expect(items[items.length - 1]).to.include('Registered');
    });
  });

  describe('GET /cases/:id/history', () => {
    /** The rows of the history table, each as its cells' HTML. */
    function rows(html: string): string[][] {
      const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
      return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!));
    }

    it('shows a supervisor each change with date, time and offset, and its earlier and new values, newest entered first', async () => {
      const s = await staff();
      await mongoose.connection.collection('organisations').updateOne({ _id: new Types.ObjectId(s.orgId) }, { $set: { timeZone: 'Asia/Manila' } });
      const first = plant('Testchildfirst');
      const second = plant('Testchildsecond');
      const third = plant('Testchildthird');
      const details = caseDetails({ givenName: first, riskLevel: 'high' });
      const id = await buildCase(s.worker, details, { team: 'north' });
      const caller = callerOf(s.worker, 'north');
      advance(1000);
      await updateCase(caller, id, 0, { ...details, givenName: second, riskLevel: 'critical' });
      advance(1000);
      await updateCase(caller, id, 1, { ...details, givenName: third, riskLevel: 'critical', intakeDate: '2026-02-01' });
      const res = await (await signIn(app, s.supervisor)).get(`/cases/${id}/history`);
      expect(res.status).to.equal(200);
      const [latest, earlier, created] = rows(res.text);
      expect(latest![2]).to.include('Details changed');
      expect(latest![3]).to.include(second).and.not.include(third);
      expect(latest![4]).to.include(third).and.not.include(second);
      expect(latest![3]).to.include(formatDate('2026-03-02', 'en'));
      expect(latest![4]).to.include('<time datetime="2026-02-01">').and.include(formatDate('2026-02-01', 'en'));
      expect(earlier![3]).to.include(first).and.include('High');
      expect(earlier![4]).to.include(second).and.include('Critical');
      expect(created![2]).to.include('Registered');
      const change = (await CaseChangeModel.findOne({ version: 2 }).lean())!;
      expect(latest![0]).to.include(formatDateTime(change.at, 'en', { timeZone: 'Asia/Manila' })).and.include('GMT+8');
      expect(visibleText(res.text).filter((t) => ISO_DATE.test(t))).to.deep.equal([]);
    });

    it('includes notes and tasks, sorted by when they were entered, not by the date typed', async () => {
      const s = await staff();
      const id = await buildCase(s.worker, {}, { team: 'north' });
      const caller = callerOf(s.worker, 'north');
      advance(1000);
      await addTask(caller, id, { title: plant('Fictional history task'), dueDate: '2026-12-01' });
      advance(1000);
      await addNote(caller, id, { type: 'home_visit', date: '2025-12-01', language: 'en', text: 'Fictional old visit' });
      advance(1000);
      await completeTask(caller, id, String((await CaseTaskModel.findOne({}).lean())!._id));
      const table = rows((await (await signIn(app, s.supervisor)).get(`/cases/${id}/history`)).text);
      expect(table.map((r) => r[2]!.replace(/<[^>]+>/g, '').split(':')[0]!.trim())).to.deep.equal(['Task done', 'Note', 'Task added', 'Registered']);
      expect(table[1]![4]).to.include('Home visit').and.include(formatDate('2025-12-01', 'en'));
      expect(table[2]![4]).to.include('Fictional history task').and.include(formatDate('2026-12-01', 'en'));
    });

    it('shows the new values of family and status changes', async () => {
      const s = await staff();
      const id = await buildCase(s.worker, {}, { team: 'north' });
      const caller = callerOf(s.worker, 'north');
      const member = { relationship: 'aunt', exploitationRole: 'none', livesWithChild: false, guardian: false, givenName: plant('Testauntbefore'), familyName: 'Fictional', localName: '', age: '40', contact: '', protectiveFactors: '' };
      await addFamilyMember(caller, id, member);
      advance(1000);
      const memberId = String((await CaseModel.findById(id).lean())!.family[0]!._id);
      await updateFamilyMember(caller, id, memberId, await version(id), { ...member, givenName: plant('Testauntafter'), exploitationRole: 'suspected' });
      advance(1000);
      await closeThroughApproval(s.worker, s.supervisor, 'north', id, 'lost_contact', '2026-03-06');
      const table = rows((await (await signIn(app, s.supervisor)).get(`/cases/${id}/history`)).text);
      const [closed, familyChange, familyAdd] = table;
      expect(closed![3]).to.include('Open');
      expect(closed![4]).to.include('Closed').and.include('Lost contact');
      expect(familyChange![3]).to.include('Testauntbefore').and.not.include('Testauntafter');
      expect(familyChange![4]).to.include('Testauntafter').and.include('Suspected');
      expect(familyAdd![4]).to.include('Testauntbefore');
    });

    it('answers 403 to a caseworker, showing neither earlier nor new values', async () => {
      const s = await staff();
      const before = plant('Testchildhidden');
      const after = plant('Testchildshown');
      const details = caseDetails({ givenName: before });
      const id = await buildCase(s.worker, details, { team: 'north' });
      await updateCase(callerOf(s.worker, 'north'), id, 0, { ...details, givenName: after });
      const res = await (await signIn(app, s.worker)).get(`/cases/${id}/history`);
      expect(res.status).to.equal(403);
      expect(res.text).to.not.include(before).and.not.include(after);
    });

    it('shows times in UTC, saying so, for an organisation without a time zone', async () => {
      const s = await staff();
      const id = await buildCase(s.worker, {}, { team: 'north' });
      const res = await (await signIn(app, s.supervisor)).get(`/cases/${id}/history`);
      const change = (await CaseChangeModel.findOne({}).lean())!;
      expect(rows(res.text)[0]![0]).to.include(formatDateTime(change.at, 'en'));
      expect(res.text).to.include('Times are in UTC');
    });
  });

  describe('formatDateTime', () => {
    const at = new Date('2026-06-01T03:05:00Z');
    it('shows the time in the given zone with its offset, in the reader’s calendar', () => {
      expect(formatDateTime(at, 'en', { timeZone: 'Asia/Manila' })).to.match(/Jun 1, 2026.*11:05.*GMT\+8/);
      expect(formatDateTime(at, 'th', { timeZone: 'Asia/Bangkok' })).to.include('2569').and.include('10:05').and.include('GMT+7');
      expect(formatDateTime(at, 'th', { timeZone: 'Asia/Bangkok', calendar: 'gregory' })).to.include('2026');
    });

    it('falls back to UTC for a zone it does not know', () => {
      expect(formatDateTime(at, 'en', { timeZone: 'Nowhere/Fictional' })).to.equal(formatDateTime(at, 'en', { timeZone: 'UTC' }));
    });
  });
});
