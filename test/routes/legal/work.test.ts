/**
 * My work from legal cases (services/legal/work.ts): hearings without an outcome of the caller's cases
 * (a caseworker's own, a supervisor's team), up to the day asked for, soonest first. A hearing comes due
 * as the clock moves towards it, and once its day has passed without an outcome it stays, as overdue,
 * until the outcome is recorded.
 */
import { expect } from 'chai';
import { startOfDay } from '../../../src/domain/cases.js';
import { clock } from '../../../src/lib/clock.js';
import { startContext } from '../../../src/services/home/start-page.js';
import { addHearing, recordOutcome } from '../../../src/services/legal/hearings.js';
import { changeLegalStatus } from '../../../src/services/legal/legal-cases.js';
import { hearingsDue } from '../../../src/services/legal/work.js';
import { testApp } from '../../helpers/app.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { advance } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { signIn } from '../../helpers/session.js';
import { buildLegalCase, buildTeam, day, type Team } from './setup.js';

const DAY = 86_400_000;

describe('My work: hearings due (services/legal/work.ts)', () => {
  useDatabase('legalwork');

  let t: Team;
  beforeEach(async () => {
    t = await buildTeam();
  });

  // The days this file moves the clock on are given back, so the files after it start near today.
  let moved = 0;
  const wait = (days: number) => {
    advance(days * DAY);
    moved += days * DAY;
  };
  after(() => advance(-moved));

  /** The caller's hearings due within a week of today, as the start page would ask. */
  async function due(caller = t.workerCaller, role: 'caseworker' | 'supervisor' = 'caseworker', limit = 10) {
    const ctx = startContext(caller);
    return hearingsDue(ctx, role, new Date(startOfDay(clock.now()).getTime() + 7 * DAY), limit);
  }

  it('shows a hearing only once it comes within the window, then as overdue until its outcome is recorded', async () => {
    const legalId = await buildLegalCase(t, { status: 'trial' });
    const hearing = await addHearing(t.workerCaller, t.caseId, legalId, { date: day(10), kind: 'child_testimony', note: '', language: 'en' });
    expect(await due()).to.deep.equal({ items: [], total: 0 });

    wait(4);
    const coming = await due();
    expect(coming.total).to.equal(1);
    expect(coming.items[0]).to.include({ kind: 'hearing', labelKey: 'legal:work.hearing.child_testimony', href: `/cases/${t.caseId}/legal/${legalId}` });
    expect(String(coming.items[0]!.caseId)).to.equal(t.caseId);
    expect(coming.items[0]!.caseNumber).to.match(/^PH-\d{4}-\d{5}$/);

    // The day of the hearing: due, not yet overdue.
    wait(6);
    expect((await due()).items[0]!.labelKey).to.equal('legal:work.hearing.child_testimony');

    wait(1);
    const late = await due();
    expect(late.items[0]).to.include({ labelKey: 'legal:work.outcomeMissing.child_testimony', href: `/cases/${t.caseId}/legal/${legalId}/hearings/${hearing}/outcome` });

    await recordOutcome(t.workerCaller, t.caseId, legalId, hearing, { outcome: 'child_testified', note: '', language: 'en' });
    expect(await due()).to.deep.equal({ items: [], total: 0 });
  });

  it('lists the soonest first, counts them all beyond the limit, and leaves out postponed or cancelled ones', async () => {
    const legalId = await buildLegalCase(t, { status: 'trial' });
    for (const offset of [5, -3, 2, 6]) await addHearing(t.workerCaller, t.caseId, legalId, { date: day(offset), kind: 'trial', note: '', language: 'en' });
    const cancelled = await addHearing(t.workerCaller, t.caseId, legalId, { date: day(1), kind: 'bail', note: '', language: 'en' });
    await recordOutcome(t.workerCaller, t.caseId, legalId, cancelled, { outcome: 'cancelled', note: '', language: 'en' });
    await addHearing(t.workerCaller, t.caseId, legalId, { date: day(30), kind: 'trial', note: '', language: 'en' });
    const found = await due(t.workerCaller, 'caseworker', 3);
    expect(found.total).to.equal(4);
    expect(found.items.map((i) => i.due.toISOString().slice(0, 10))).to.deep.equal([day(-3), day(2), day(5)]);
    expect(found.items[0]!.labelKey).to.equal('legal:work.outcomeMissing.trial');
  });

  it('shows the team’s hearings to its supervisor, and nothing to another team or to a caseworker not on the case', async () => {
    const legalId = await buildLegalCase(t);
    await addHearing(t.workerCaller, t.caseId, legalId, { date: day(3), kind: 'preliminary_investigation', note: '', language: 'en' });
    expect((await due(callerOf(t.supervisor, 'north'), 'supervisor')).total).to.equal(1);
    expect((await due(callerOf(t.otherSupervisor, 'south'), 'supervisor')).total).to.equal(0);
    expect((await due(callerOf(t.otherWorker, 'south'))).total).to.equal(0);
    // A case of the other caseworker does not bring this one's hearings with it.
    await buildCase(t.otherWorker, {}, { team: 'south' });
    expect((await due(callerOf(t.otherWorker, 'south'))).total).to.equal(0);
  });

  it('reads on the caseworker’s start page in their language, linking to the legal case and to the outcome form', async () => {
    const legalId = await buildLegalCase(t, { status: 'trial' });
    await addHearing(t.workerCaller, t.caseId, legalId, { date: day(2), kind: 'child_testimony', note: '', language: 'en' });
    const late = await addHearing(t.workerCaller, t.caseId, legalId, { date: day(-2), kind: 'trial', note: '', language: 'en' });
    const page = await (await signIn(await testApp(), t.worker)).get('/');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Hearing: testimony of the child').and.include('Record the outcome: trial hearing');
    expect(page.text).to.include(`href="/cases/${t.caseId}/legal/${legalId}/hearings/${late}/outcome"`);
  });

  it('drops the hearings set after the day a legal case closed, which will not take place', async () => {
    const legalId = await buildLegalCase(t);
    await addHearing(t.workerCaller, t.caseId, legalId, { date: day(4), kind: 'preliminary_investigation', note: '', language: 'en' });
    expect((await due()).total).to.equal(1);
    await changeLegalStatus(t.workerCaller, t.caseId, legalId, { to: 'closed', date: day(0), verdict: '', reason: 'no_probable_cause', version: 0 });
    expect((await due()).total).to.equal(0);
  });
});
