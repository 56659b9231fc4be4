/**
 * The care-plan approval flow in Chromium, as the two people who do it: a caseworker reading Haven in
 * Filipino records an assessment, drafts a plan from its weakest domains, edits a goal, adds the
 * interventions and submits it; the team's supervisor, in English, finds it on "My work" and returns it
 * with a comment; the caseworker reads the comment, revises the plan and submits it again; the supervisor
 * approves it and the case becomes active. When the clock reaches the review date (the organisation's
 * review interval after the approval), the review is on the caseworker's "My work" with a link to its
 * form, due that day and overdue the next. The same flow runs with JavaScript on and off, on a fresh
 * case each time; every status is read on the page and in the database, and every page stays clean.
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Page } from 'playwright-core';
import { DEFAULT_REVIEW_INTERVAL_DAYS } from '../../src/domain/care-plans.js';
import { AssessmentModel } from '../../src/models/assessment.js';
import { CarePlanModel } from '../../src/models/care-plan.js';
import { CaseModel } from '../../src/models/case.js';
import { OrganisationModel } from '../../src/models/organisation.js';
import { unseal } from '../../src/services/cases/records.js';
import { expectClean, follow, pathOf, signInBrowser, submit, useBrowser, words, type WatchedPage } from '../helpers/browser.js';
import { buildCase } from '../helpers/cases.js';
import { advance, dayFromNow, now } from '../helpers/clock.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';
import { localeText as text } from '../helpers/locale-check.js';
import { plant } from '../helpers/secrets.js';
import { nextCode } from '../helpers/session.js';

const DAY = 86_400_000;
const TEAM = 'Demo team care plans';

/** Opens a folded section of the case page by its summary, as a reader would (no script needed). */
async function openSection(page: Page, id: string): Promise<void> {
  if ((await page.getAttribute(`#${id}`, 'open')) === null) await page.locator(`#${id} > summary`).click();
}

describe('in Chromium: a care plan from the assessment to its approval and first review', function () {
  this.timeout(150_000);
  useDatabase('e2ecareplanflow');
  const browser = useBrowser();
  const base = () => browser.harness().baseUrl;

  // The clock is moved forward to the review date; it is put back after each test, so later files see real time.
  let moved = 0;
  function moveTo(ms: number): void {
    const by = ms - now();
    advance(by);
    moved += by;
  }
  afterEach(() => {
    advance(-moved);
    moved = 0;
  });

  async function go(watched: WatchedPage, path: string): Promise<void> {
    const res = await watched.page.goto(`${base()}${path}`);
    expect(res?.status(), path).to.equal(200);
  }

  /** The case status as the case page's header states it. */
  async function caseStatus(page: Page, lng: string): Promise<string> {
    const fact = page.locator('#summary .header-facts > div').filter({ has: page.locator('dt', { hasText: text(lng, 'cases:fields.status') }) });
    return ((await fact.locator('dd').textContent()) ?? '').trim();
  }

  async function storedPlan(caseId: string) {
    const plans = await CarePlanModel.find({ caseId }).lean();
    expect(plans, 'one version of the plan').to.have.length(1);
    return plans[0]!;
  }

  /** Every document of every collection, raw through the driver, as one string. */
  async function rawDatabase(): Promise<string> {
    const parts: string[] = [];
    for (const c of await mongoose.connection.db!.collections()) {
      for (const doc of await c.find({}).toArray()) parts.push(JSON.stringify(doc));
    }
    return parts.join('\n');
  }

  async function flow(javaScriptEnabled: boolean): Promise<void> {
    const org = await buildOrganisation({ country: 'PH', preferredLocale: 'fil' });
    const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: TEAM, locale: 'fil' });
    const supervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: TEAM, locale: 'en' });
    const caseId = await buildCase(worker, {}, { team: TEAM });
    const caseNumber = (await CaseModel.findById(caseId).lean())!.caseNumber;
    const signedIn = async (user: TestUser, locale: string): Promise<WatchedPage> =>
      signInBrowser(await browser.newContext({ javaScriptEnabled, locale }), base(), user, () => nextCode(user));
    const planPath = (planId: string) => `/cases/${caseId}/care-plans/${planId}`;
    const planStatus = (page: Page) => words(page, 'strong.plan-status');

    const assessmentNote = plant('Fictional: natatakot umuwi ang bata sa gabi');
    const safetyGoal = plant('Fictional: ligtas ang bata sa bahay ng lola at alam kung sino ang tatawagan');
    const returnComment = plant('Fictional comment: please add a family goal before approval');
    const familyGoal = plant('Fictional: may ligtas na kamag-anak na mag-aalaga sa bata');

    // 1. The caseworker, in Filipino: an assessment, a draft from it, a goal edited, interventions, submitted.
    const cw = await signedIn(worker, 'fil-PH');
    const p = cw.page;
    await go(cw, `/cases/${caseId}`);
    expect(await p.getAttribute('html', 'lang'), 'the case page language').to.equal('fil');
    expect(await caseStatus(p, 'fil'), 'the case at intake').to.equal(text('fil', 'cases:status.open'));
    await openSection(p, 'assessments');
    await follow(p, p.locator(`#assessments a[href="/cases/${caseId}/assessments/new"]`));
    expect(pathOf(p)).to.equal(`/cases/${caseId}/assessments/new`);
    await p.selectOption('#type', 'initial_risk');
    expect(await p.inputValue('#language'), 'the text language offered first').to.equal('fil');
    const scores = { safety: 1, health: 4, mental_health: 4, education: 2, family: 5, livelihood: 4, legal: 5 };
    for (const [domain, score] of Object.entries(scores)) await p.check(`input[name=score_${domain}][value="${score}"]`);
    await p.fill('#note_safety', assessmentNote);
    expect(await submit(p, p.locator(`form[action="/cases/${caseId}/assessments"] button[type=submit]`)), 'recording the assessment').to.equal(303);
    expect(pathOf(p)).to.equal(`/cases/${caseId}`);
    expect(await words(p, 'p.notice'), 'the confirmation').to.equal(text('fil', 'cases:done.assessment'));
    expect(await p.getAttribute('#assessments', 'open'), 'the assessments shown after saving one').to.not.equal(null);
    expect(await p.locator('#assessments table.assessment-list tbody tr').count(), 'the assessment listed').to.equal(1);
    expect(await AssessmentModel.countDocuments({ caseId }), 'the assessment stored').to.equal(1);
    expectClean(cw, 'the recorded assessment');

    await follow(p, p.locator(`#care-plan a[href="/cases/${caseId}/care-plans/new"]`));
    const choice = p.locator(`form[action="/cases/${caseId}/care-plans/from-assessment"] label.check`);
    expect(await choice.count(), 'the assessment to draft from').to.equal(1);
    const domainName = (d: string) => text('fil', `assessments:domains.${d}`);
    expect((await choice.textContent())?.replace(/\s+/g, ' '), 'the goals the draft will have').to.include(`${domainName('safety')}, ${domainName('education')}`);
    expect(await submit(p, p.locator(`form[action="/cases/${caseId}/care-plans/from-assessment"] button[type=submit]`)), 'drafting the plan').to.equal(303);
    const landed = new RegExp(`^/cases/${caseId}/care-plans/([0-9a-f]{24})$`).exec(pathOf(p));
    expect(landed, `the page after drafting: ${p.url()}`).to.not.equal(null);
    const planId = landed![1]!;
    expect(await words(p, 'p.notice'), 'the confirmation').to.equal(text('fil', 'care-plans:done.started'));
    expect(await planStatus(p), 'the draft on its page').to.equal(text('fil', 'care-plans:status.draft'));
    let plan = await storedPlan(caseId);
    expect(plan.status, 'the plan stored as a draft').to.equal('draft');
    expect(plan.goals.map((g) => g.domain), 'one goal per weakest domain, weakest first').to.deep.equal(['safety', 'education']);
    expect(plan.goals.every((g) => g.defaultText && g.interventions.length === 0), 'suggested texts, no interventions yet').to.equal(true);
    const [safetyId, educationId] = plan.goals.map((g) => String(g._id)) as [string, string];
    expect(await words(p, `#goal-${safetyId} h3`)).to.equal(domainName('safety'));
    expect(await words(p, `#goal-${safetyId} p.text`), 'the suggested goal, in Filipino').to.equal(text('fil', 'care-plans:defaultGoal.safety'));

    // The caseworker writes the safety goal in their own words.
    await follow(p, p.locator(`#goal-${safetyId} a[href="${planPath(planId)}/goals/${safetyId}"]`));
    expect(await p.inputValue('#text'), 'the suggested text to start from').to.equal(text('fil', 'care-plans:defaultGoal.safety'));
    await p.fill('#text', safetyGoal);
    expect(await submit(p, p.locator(`form[action="${planPath(planId)}/goals/${safetyId}"] button[type=submit]`)), 'saving the goal').to.equal(303);
    expect(pathOf(p)).to.equal(planPath(planId));
    expect(await words(p, `#goal-${safetyId} p.text`), 'the goal as written').to.equal(safetyGoal);

    /** Adds an intervention to a goal through its form, the caseworker responsible. */
    const addIntervention = async (goalId: string, service: string): Promise<void> => {
      await follow(p, p.locator(`#goal-${goalId} a[href="${planPath(planId)}/goals/${goalId}/interventions/new"]`));
      await p.selectOption('#service', service);
      await p.selectOption('#responsible', `user:${worker.id}`);
      await p.fill('#dueDate', dayFromNow(150));
      expect(await submit(p, p.locator(`form[action="${planPath(planId)}/goals/${goalId}/interventions"] button[type=submit]`)), `adding ${service}`).to.equal(303);
      expect(pathOf(p)).to.equal(planPath(planId));
      expect(await words(p, `#goal-${goalId} li.plan-intervention`), `${service} on its goal`).to.include(text('fil', `lookups:serviceType.${service}`));
    };
    await addIntervention(safetyId, 'counselling');
    await addIntervention(educationId, 'education');

    const submitPlan = async (): Promise<void> => {
      expect(await submit(p, p.locator(`form[action="${planPath(planId)}/submit"] button[type=submit]`)), 'submitting the plan').to.equal(303);
      expect(pathOf(p)).to.equal(planPath(planId));
      expect(await words(p, 'p.notice')).to.equal(text('fil', 'care-plans:done.submitted'));
      expect(await planStatus(p), 'the plan submitted, on its page').to.equal(text('fil', 'care-plans:status.submitted'));
      expect(await p.locator(`form[action="${planPath(planId)}/submit"]`).count(), 'no second submission').to.equal(0);
      expect((await storedPlan(caseId)).status, 'the plan stored as submitted').to.equal('submitted');
    };
    await submitPlan();
    expectClean(cw, 'the submitted plan');

    // 2. The supervisor, in English, finds the plan on My work and returns it with a comment.
    const sv = await signedIn(supervisor, 'en-GB');
    const s = sv.page;
    expect(await s.getAttribute('html', 'lang')).to.equal('en');
    /** The supervisor's "Care plans to approve" block on /, and its link to this plan. */
    const fromMyWork = async (): Promise<void> => {
      await go(sv, '/');
      const block = s.locator('section[aria-labelledby="start-team-plan-approvals"]');
      expect(await block.count(), 'the block of plans to approve').to.equal(1);
      expect(await words(s, '#start-team-plan-approvals')).to.include(text('en', 'home:work.kinds.plan_approval.supervisor'));
      const link = block.locator(`a[href="${planPath(planId)}"]`);
      expect(await link.count(), 'a link to the plan').to.equal(1);
      expect((await link.textContent())?.trim()).to.equal(caseNumber);
      expect(await words(s, 'section[aria-labelledby="start-team-plan-approvals"] .start-list li')).to.include(text('en', 'care-plans:work.planAwaiting', { version: '1' }));
      await follow(s, link);
      expect(pathOf(s)).to.equal(planPath(planId));
      expect(await planStatus(s), 'the plan waiting, to the supervisor').to.equal(text('en', 'care-plans:status.submitted'));
    };
    await fromMyWork();
    expect(await words(s, `#goal-${safetyId} p.text`), 'the goal as the caseworker wrote it').to.equal(safetyGoal);
    expect(await s.getAttribute(`#goal-${safetyId} p.text`, 'lang'), 'marked with its language').to.equal('fil');
    expect(await words(s, `#goal-${educationId} p.text`), 'a suggested goal, in the reader’s language').to.equal(text('en', 'care-plans:defaultGoal.education'));
    await s.fill('#comment', returnComment);
    expect(await submit(s, s.locator(`form[action="${planPath(planId)}/return"] button[type=submit]`)), 'returning the plan').to.equal(303);
    expect(pathOf(s)).to.equal(planPath(planId));
    expect(await words(s, 'p.notice')).to.equal(text('en', 'care-plans:done.returned'));
    expect(await planStatus(s)).to.equal(text('en', 'care-plans:status.returned'));
    plan = await storedPlan(caseId);
    expect(plan.status, 'the plan stored as returned').to.equal('returned');
    expect(unseal<{ text: string }>(plan.returnComment, { text: '' }).text).to.equal(returnComment);
    expectClean(sv, 'the returned plan');

    // 3. The caseworker reads the comment on the case page and the plan, revises the plan and submits it again.
    await go(cw, `/cases/${caseId}`);
    expect(await words(p, '#care-plan'), 'the plan in the case page').to.include(text('fil', 'care-plans:status.returned'));
    expect(await words(p, '#care-plan .plan-comment'), 'the comment on the case page').to.include(returnComment);
    await follow(p, p.locator(`#care-plan a[href="${planPath(planId)}"]`));
    expect(await planStatus(p)).to.equal(text('fil', 'care-plans:status.returned'));
    expect(await words(p, '.plan-comment p.text'), 'the comment on the plan').to.equal(returnComment);
    expect(await p.locator(`a[href="${planPath(planId)}/goals/new"]`).count(), 'no editing before revising').to.equal(0);
    expect(await submit(p, p.locator(`form[action="${planPath(planId)}/revise"] button[type=submit]`)), 'revising').to.equal(303);
    expect(await words(p, 'p.notice')).to.equal(text('fil', 'care-plans:done.revised'));
    expect(await planStatus(p)).to.equal(text('fil', 'care-plans:status.draft'));
    expect((await storedPlan(caseId)).status, 'the plan stored as a draft again').to.equal('draft');
    expect(await words(p, '.plan-comment p.text'), 'the comment still there while revising').to.equal(returnComment);

    // What the comment asked for: a family goal, with its intervention.
    await follow(p, p.locator(`a[href="${planPath(planId)}/goals/new"]`));
    await p.selectOption('#domain', 'family');
    await p.fill('#text', familyGoal);
    expect(await p.inputValue('#language')).to.equal('fil');
    await p.fill('#targetDate', dayFromNow(120));
    expect(await submit(p, p.locator(`form[action="${planPath(planId)}/goals"] button[type=submit]`)), 'adding the family goal').to.equal(303);
    plan = await storedPlan(caseId);
    expect(plan.goals.map((g) => g.domain)).to.deep.equal(['safety', 'education', 'family']);
    const familyId = String(plan.goals[2]!._id);
    expect(pathOf(p)).to.equal(planPath(planId));
    expect(await words(p, `#goal-${familyId} p.text`)).to.equal(familyGoal);
    await addIntervention(familyId, 'family_support');
    await submitPlan();
    expectClean(cw, 'the plan submitted again');

    // 4. The supervisor approves it: the plan is in force and the case active, in each reader's language.
    await fromMyWork();
    expect(await words(s, `#goal-${familyId} p.text`), 'the change asked for').to.equal(familyGoal);
    expect(await submit(s, s.locator(`form[action="${planPath(planId)}/approve"] button[type=submit]`)), 'approving').to.equal(303);
    expect(pathOf(s)).to.equal(planPath(planId));
    expect(await words(s, 'p.notice')).to.equal(text('en', 'care-plans:done.activated'));
    expect(await planStatus(s)).to.equal(text('en', 'care-plans:status.approved'));
    plan = await storedPlan(caseId);
    expect(plan.status, 'the plan stored as approved').to.equal('approved');
    expect(plan.approvedAt, 'the day of approval').to.be.instanceOf(Date);
    expect((await CaseModel.findById(caseId).lean())!.status, 'the case stored as active').to.equal('active');
    await go(sv, `/cases/${caseId}`);
    expect(await caseStatus(s, 'en')).to.equal(text('en', 'cases:status.active'));
    await go(sv, '/');
    expect(await s.locator(`section[aria-labelledby="start-team-plan-approvals"] a[href="${planPath(planId)}"]`).count(), 'nothing left to approve').to.equal(0);
    expectClean(sv, 'the approved plan');

    await go(cw, `/cases/${caseId}`);
    expect(await caseStatus(p, 'fil'), 'the case active, in Filipino').to.equal(text('fil', 'cases:status.active'));
    expect(await words(p, '#care-plan')).to.include(text('fil', 'care-plans:section.inForce', { version: '1' })).and.include(safetyGoal).and.include(familyGoal);
    await go(cw, '/');
    expect(await p.locator('section[aria-labelledby="start-my-reviews"]').count(), 'no review due on the day of approval').to.equal(0);
    expectClean(cw, 'the case made active');

    // What was typed about the child is on the pages, never in the database in the clear.
    const raw = await rawDatabase();
    for (const marker of [assessmentNote, safetyGoal, returnComment, familyGoal]) expect(raw, 'typed text in the raw database').to.not.include(marker);

    // 5. On the review date the review is on the caseworker's My work, due today; the day after, overdue.
    const interval = (await OrganisationModel.findById(org.id).lean())!.reviewIntervalDays;
    expect(interval, 'the organisation keeps the default interval').to.equal(DEFAULT_REVIEW_INTERVAL_DAYS);
    const approved = plan.approvedAt!;
    const due = Date.UTC(approved.getUTCFullYear(), approved.getUTCMonth(), approved.getUTCDate()) + interval * DAY;
    const dueDay = new Date(due).toISOString().slice(0, 10);

    /** Signs the caseworker in afresh (a day later, the old session is long over) and reads the review block of /. */
    const reviewOnMyWork = async (mark: 'today' | 'overdue'): Promise<void> => {
      const later = await signedIn(worker, 'fil-PH');
      const page = later.page;
      await go(later, '/');
      const block = page.locator('section[aria-labelledby="start-my-reviews"]');
      expect(await block.count(), `the reviews block (${mark})`).to.equal(1);
      expect(await words(page, '#start-my-reviews')).to.include(text('fil', 'home:work.kinds.review.caseworker'));
      const row = block.locator('.start-list li');
      expect(await row.count(), 'one review').to.equal(1);
      expect(await words(page, 'section[aria-labelledby="start-my-reviews"] .start-list li')).to.include(text('fil', 'care-plans:work.reviewDue'));
      expect(await words(page, 'section[aria-labelledby="start-my-reviews"] .start-mark'), `marked ${mark}`).to.equal(text('fil', `home:work.marks.${mark}`));
      expect(await row.locator('time').getAttribute('datetime'), 'the review date').to.match(new RegExp(`^${dueDay}`));
      if (mark === 'overdue') expect(await words(page, 'section[aria-labelledby="start-my-reviews"] .start-overdue')).to.equal(text('fil', 'home:work.overdueCount_one', { count: '1' }));
      else expect(await block.locator('.start-overdue').count(), 'nothing overdue yet').to.equal(0);
      const link = row.locator(`a[href="/cases/${caseId}/reviews/new"]`);
      expect((await link.textContent())?.trim()).to.equal(caseNumber);
      await follow(page, link);
      expect(pathOf(page)).to.equal(`/cases/${caseId}/reviews/new`);
      expect(await page.locator(`form[action="/cases/${caseId}/reviews"]`).count(), 'the review form').to.equal(1);
      expect(await page.inputValue('#date'), 'the review dated today').to.equal(new Date(now()).toISOString().slice(0, 10));
      expectClean(later, `the review form (${mark})`);
    };
    moveTo(due + 12 * 3_600_000);
    await reviewOnMyWork('today');
    moveTo(due + DAY + 12 * 3_600_000);
    await reviewOnMyWork('overdue');
    expect((await storedPlan(caseId)).status, 'the plan still in force').to.equal('approved');
  }

  for (const javaScriptEnabled of [true, false]) {
    it(`takes a plan from a Filipino caseworker's assessment through a return, a revision and approval to its review on My work (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      await flow(javaScriptEnabled);
    });
  }
});
