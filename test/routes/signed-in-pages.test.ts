/**
 * Every page behind sign-in, as the role that sees it: in the pseudo-locale no text bypasses the locale
 * files; in all 12 languages each page renders with no missing key; every page carries the O3 headers
 * and no inline script or style.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import { LOCALE_INFO, LOCALES } from '../../src/domain/locales.js';
import type { Role } from '../../src/domain/permissions.js';
import { createI18n } from '../../src/lib/i18n/index.js';
import { COMMON_NATIONALITIES, SPOKEN_LANGUAGES } from '../../src/domain/lookups.js';
import { CaseModel } from '../../src/models/case.js';
import { CaseTaskModel } from '../../src/models/case-task.js';
import { addConsent, addFamilyMember } from '../../src/services/cases/family.js';
import { recordAssessment } from '../../src/services/care/assessments.js';
import { addNote, addTask } from '../../src/services/cases/notes.js';
import { updateCase } from '../../src/services/cases/cases.js';
import { testApp } from '../helpers/app.js';
import { buildCase, callerOf, caseDetails } from '../helpers/cases.js';
import { useDatabase } from '../helpers/db.js';
import { buildUser, type TestUser } from '../helpers/factories.js';
import { visibleText } from '../helpers/pages.js';
import { PSEUDO, pseudoResources, untranslated } from '../helpers/pseudo.js';
import { signIn, signInWithPassword, type Agent } from '../helpers/session.js';

interface PageCase {
  role: Role;
  path: string;
}

const PAGES_BY_ROLE: PageCase[] = [
  { role: 'caseworker', path: '/' },
  { role: 'caseworker', path: '/account' },
  { role: 'caseworker', path: '/account/password' },
  { role: 'admin', path: '/admin/users' },
  { role: 'admin', path: '/admin/users/new' },
  { role: 'admin', path: '/admin/users/:colleague' },
  { role: 'admin', path: '/admin/organisations' },
  { role: 'admin', path: '/admin/organisations/new' },
  { role: 'admin', path: '/admin/organisations/:org' },
  { role: 'auditor', path: '/audit' },
  { role: 'auditor', path: '/audit/report?user=:email&from=2020-01-01&to=2100-01-01' },
  { role: 'caseworker', path: '/cases' },
  { role: 'caseworker', path: '/cases/new' },
  { role: 'caseworker', path: '/cases/:case' },
  { role: 'caseworker', path: '/cases/:case/edit' },
  { role: 'caseworker', path: '/cases/:case/family/new' },
  { role: 'caseworker', path: '/cases/:case/family/:member' },
  { role: 'caseworker', path: '/cases/:case/assessments/new' },
  { role: 'caseworker', path: '/cases/:case/assessments/:assessment' },
  { role: 'caseworker', path: '/cases/:case/consents/new' },
  { role: 'caseworker', path: '/cases/:case/notes/new' },
  { role: 'caseworker', path: '/cases/:case/consents/:consent/withdraw' },
  { role: 'caseworker', path: '/cases/:case/tasks/:task/done' },
  { role: 'caseworker', path: '/cases/:case/tasks/:task/assign' },
  { role: 'caseworker', path: '/work?kind=tasks' },
  { role: 'supervisor', path: '/' },
  { role: 'supervisor', path: '/work?kind=tasks&as=supervisor' },
  { role: 'supervisor', path: '/cases/:case/assign' },
  { role: 'supervisor', path: '/cases/:case/history' },
  { role: 'supervisor', path: '/cases/:case/closure' },
  { role: 'caseworker', path: '/cases/:case/closure' },
  { role: 'manager', path: '/cases' },
];

/**
 * Names that come from Intl (countries, languages), not from the locale files: English in the
 * pseudo-locale, like the dates Intl formats there (removed below).
 */
const INTL_NAMES = [
  ...COMMON_NATIONALITIES.map((c) => new Intl.DisplayNames(['en'], { type: 'region' }).of(c)!),
  ...SPOKEN_LANGUAGES.map((c) => new Intl.DisplayNames(['en'], { type: 'language' }).of(c)!),
]
  // Longest first, so "Vietnamese" goes before "Vietnam" can leave "ese" behind.
  .sort((a, b) => b.length - a.length);

describe('signed-in pages in every language', () => {
  useDatabase('signedin');
  let app: Express;
  const users = new Map<Role, TestUser>();
  const agents = new Map<Role, Agent>();
  let colleague: TestUser;
  let caseId: string;
  let memberId: string;
  let consentId: string;
  let taskId: string;
  let assessmentId: string;

  async function setLocale(user: TestUser, locale: string): Promise<void> {
    // Straight to the collection: the pseudo-locale is not one a user can choose.
    await mongoose.connection.collection('users').updateOne({ _id: new Types.ObjectId(user.id) }, { $set: { locale } });
  }

  function pathFor(c: PageCase): string {
    return c.path.replace(':case', caseId).replace(':member', memberId).replace(':consent', consentId).replace(':task', taskId).replace(':assessment', assessmentId).replace(':colleague', colleague.id).replace(':org', users.get('admin')!.organisationId).replace(':email', encodeURIComponent(users.get(c.role)!.email));
  }

  beforeEach(async function () {
    this.timeout(30_000);
    app = await testApp({ i18n: await createI18n({ extra: pseudoResources() }) });
    const first = await buildUser({ roles: ['admin'] });
    users.set('admin', first);
    colleague = await buildUser({ roles: ['caseworker'], organisationId: first.organisationId });
    users.set('caseworker', colleague);
    users.set('auditor', await buildUser({ roles: ['auditor'], organisationId: first.organisationId }));
    users.set('supervisor', await buildUser({ roles: ['supervisor'], organisationId: first.organisationId, team: 'Team A' }));
    users.set('manager', await buildUser({ roles: ['manager'], organisationId: first.organisationId }));
    // A case with every section filled in, assigned to the caseworker, in the supervisor's team.
    caseId = await buildCase(colleague, { givenName: 'Testchild', familyName: 'Fictional', school: '' }, { team: 'Team A' });
    const caller = callerOf(colleague, 'Team A');
    await addFamilyMember(caller, caseId, { relationship: 'aunt', exploitationRole: 'suspected', livesWithChild: true, guardian: false, givenName: 'Testaunt', familyName: 'Fictional', localName: '', age: '41', contact: '', protectiveFactors: '' });
    memberId = String((await CaseModel.findById(caseId).lean())!.family[0]!._id);
    await addConsent(caller, caseId, { purpose: 'services', organisationId: '', givenBy: 'guardian', date: '2026-01-05', formVersion: 'F1' });
    await addNote(caller, caseId, { type: 'home_visit', date: '2026-01-06', language: 'en', text: 'Fictional note' });
    await addTask(caller, caseId, { title: 'Fictional task', dueDate: '2026-12-01' });
    consentId = String((await CaseModel.findById(caseId).lean())!.consents[0]!._id);
    taskId = String((await CaseTaskModel.findOne({}).lean())!._id);
    assessmentId = await recordAssessment(caller, caseId, { type: 'initial_risk', date: '2026-03-02', language: 'en', scores: { safety: 2, family: 3 }, notes: { family: 'Fictional note' }, overall: 'Fictional note' });
    // An edit, so the history page has earlier values to show.
    const version = (await CaseModel.findById(caseId).lean())!.__v;
    await updateCase(caller, caseId, version, { ...caseDetails({ givenName: 'Testchild', familyName: 'Fictional', school: '' }), riskLevel: 'critical', sex: 'male' });
    for (const [role, user] of users) agents.set(role, await signIn(app, user));
  });

  it('show no text outside the locale files (pseudo-locale), including the second-factor pages', async () => {
    const data = [...users.values()].flatMap((u) => [u.email]).concat([...users.values()].map((u) => `Test User ${u.email.match(/\d+/)?.[0]} (fictional)`));
    for (const user of users.values()) await setLocale(user, PSEUDO);
    for (const c of PAGES_BY_ROLE) {
      const res = await agents.get(c.role)!.get(pathFor(c));
      expect(res.status, c.path).to.equal(200);
      expect(res.headers['content-language'], c.path).to.equal(PSEUDO);
      const org = /Test Organisation \d+ \(fictional\)/.exec(res.text)?.[0];
      // The language menu's own names first ("Bahasa Indonesia" before "Indonesia").
      // The start page lists the caseworker's cases and tasks too.
      const caseData = c.path.startsWith('/cases') || c.path.startsWith('/work') || c.path === '/' ? [...Object.values(LOCALE_INFO).map((l) => l.autonym), 'Testchild', 'Fictional', 'Testaunt', 'Fictional note', 'Fictional task', 'F1', 'PH-07-072217', ...INTL_NAMES] : [];
      const known = [...data, ...caseData, ...(org ? [org] : []), 'ZZ-TEST-', 'PH', 'Team A'].sort((a, b) => b.length - a.length);
      // Dates, and times with their offset ("Jan 5, 2026, 10:05 AM GMT+8"), come from Intl in English here.
      const left = untranslated(res.text, known).map((t) => t.replace(/[A-Z][a-z]{2} \d{1,2}, \d{4}(?:, \d{1,2}:\d{2}\s[AP]M GMT(?:[+-]\d{1,2}(?::\d{2})?)?)?/g, '').replace(/[·\s]+$/, ''));
      expect(left.filter((t) => !/^[\d\s:Z#.,()·-]*$/.test(t) && !/^[0-9a-f]{24}$/.test(t.trim())), c.path).to.deep.equal([]);
    }
    // The enrolment page of someone without a second factor yet.
    const newcomer = await buildUser({ roles: ['manager'], mfa: false, organisationId: users.get('admin')!.organisationId });
    await setLocale(newcomer, PSEUDO);
    const { agent } = await signInWithPassword(app, newcomer);
    const setup = await agent.get('/mfa/setup');
    expect(setup.status).to.equal(200);
    const key = /<code class="secret" lang="en">([A-Z2-7]+)<\/code>/.exec(setup.text)![1]!;
    expect(untranslated(setup.text, [key])).to.deep.equal([]);
  });

  it('render in all 12 languages with no missing translation key showing', async function () {
    this.timeout(60_000);
    for (const lng of LOCALES) {
      for (const user of users.values()) await setLocale(user, lng);
      for (const c of PAGES_BY_ROLE) {
        const res = await agents.get(c.role)!.get(pathFor(c));
        expect(res.status, `${c.path} ${lng}`).to.equal(200);
        expect(res.text, `${c.path} ${lng}`).to.include(`<html lang="${lng}"`);
        const keys = visibleText(res.text).filter((t) => /\b(common|auth|account|admin|audit|cases|lookups|closure):[a-zA-Z_.]+\b/.test(t));
        expect(keys, `${c.path} ${lng}`).to.deep.equal([]);
      }
    }
  });

  it('carry the O3 headers and no inline script or style', async () => {
    for (const c of PAGES_BY_ROLE) {
      const res = await agents.get(c.role)!.get(pathFor(c));
      expect(res.headers['cache-control'], c.path).to.equal('no-store');
      expect(String(res.headers['content-security-policy']), c.path).to.include("frame-ancestors 'none'").and.not.include('unsafe-inline');
      expect(res.text, c.path).to.not.match(/<script|<style|\sstyle=|\son[a-z]+=/i);
    }
  });
});
