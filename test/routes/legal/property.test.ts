/**
 * Random sequences of legal case actions (stage moves, hearings, outcomes, support, edits) by random
 * people (the assigned caseworker, one of another team, the team's supervisor, another team's, a
 * manager, an admin, an auditor) through the services, against the test database. After every step:
 * no stored legal case is in a state the rules do not allow, a refused action changed nothing, only
 * the case's own caseworker and supervisor changed anything, and the stored reporting facts equal the
 * facts recomputed from the records.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Types } from 'mongoose';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../src/domain/errors.js';
import { CLOSE_REASONS, HEARING_KINDS, HEARING_OUTCOMES, LEGAL_STATUSES, STARTING_STATUSES, SUPPORT_KINDS, VERDICTS, closeReasonsFrom, legalStateProblems, nextLegalStatuses, type LegalStatus } from '../../../src/domain/legal.js';
import type { Caller } from '../../../src/domain/permissions.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { LegalCaseModel } from '../../../src/models/legal-case.js';
import { LegalHearingModel } from '../../../src/models/legal-hearing.js';
import { trusted } from '../../../src/services/auth/trusted.js';
import { computeCaseFacts } from '../../../src/services/facts/facts.js';
import { addHearing, addSupport, recordOutcome } from '../../../src/services/legal/hearings.js';
import { changeLegalStatus, createLegalCase, updateLegalCase } from '../../../src/services/legal/legal-cases.js';
import { callerOf } from '../../helpers/cases.js';
import { now } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildUser } from '../../helpers/factories.js';
import { buildTeam, day, legalInput, type Team } from './setup.js';

const ACTORS = ['worker', 'supervisor', 'otherWorker', 'otherSupervisor', 'manager', 'admin', 'auditor'] as const;
type Actor = (typeof ACTORS)[number];
const MAY_CHANGE: readonly Actor[] = ['worker', 'supervisor'];

/** One in `n` times: a draw that makes the action go astray on purpose (a wild move, a stale version...). */
const oneIn = (n: number) => fc.integer({ min: 1, max: n }).map((k) => k === 1);

const action = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      // Mostly a move the machine offers (picked from the stage reached), sometimes any status at all.
      pick: fc.nat(),
      wild: oneIn(5),
      wildTo: fc.constantFrom(...LEGAL_STATUSES, 'bogus'),
      verdict: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VERDICTS) }, { weight: 1, arbitrary: fc.constant('') }),
      reason: fc.oneof({ weight: 3, arbitrary: fc.nat().map((n) => ({ fromStage: n })) }, { weight: 1, arbitrary: fc.constantFrom('', ...CLOSE_REASONS) }),
      // Days after the last change of stage, or a day before it, or one in the future.
      gap: fc.integer({ min: -3, max: 8 }),
      future: oneIn(10),
      stale: oneIn(8),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('hearing' as const), hearingKind: fc.constantFrom(...HEARING_KINDS), offset: fc.integer({ min: -70, max: 30 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('outcome' as const), pick: fc.nat(), outcome: fc.constantFrom(...HEARING_OUTCOMES), bogus: oneIn(6) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('support' as const), kinds: fc.subarray([...SUPPORT_KINDS], { maxLength: 3 }), offset: fc.integer({ min: -20, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('edit' as const), charges: fc.subarray(['trafficking_in_persons', 'child_abuse', 'other'], { maxLength: 2 }), stale: oneIn(4) }) },
);
const step = fc.record({
  actor: fc.oneof({ weight: 3, arbitrary: fc.constantFrom<Actor>('worker', 'supervisor') }, { weight: 2, arbitrary: fc.constantFrom<Actor>(...ACTORS) }),
  action,
});
type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

let t: Team;
let callers: Record<Actor, Caller>;

async function run(caller: Caller, legalId: string, a: Action): Promise<void> {
  const stored = (await LegalCaseModel.findById(legalId).lean())!;
  const version = stored.__v ?? 0;
  if (a.kind === 'status') {
    const from = stored.status as LegalStatus;
    const offered = nextLegalStatuses(from);
    const to = a.wild || offered.length === 0 ? a.wildTo : offered[a.pick % offered.length]!;
    const reasons = closeReasonsFrom(from);
    const reason = typeof a.reason === 'string' ? a.reason : to === 'closed' && reasons.length ? reasons[a.reason.fromStage % reasons.length]! : '';
    const last = stored.stages.at(-1)!.date;
    const date = a.future ? day(1) : new Date(Math.min(last.getTime() + a.gap * 86_400_000, now())).toISOString().slice(0, 10);
    await changeLegalStatus(caller, t.caseId, legalId, { to, date, verdict: to === 'verdict' || a.wild ? a.verdict : '', reason, version: a.stale ? version - 1 : version });
  } else if (a.kind === 'hearing') {
    await addHearing(caller, t.caseId, legalId, { date: day(a.offset), kind: a.hearingKind, note: '', language: 'en' });
  } else if (a.kind === 'outcome') {
    const hearings = await LegalHearingModel.find({ legalCaseId: stored._id }).sort({ _id: 1 }).lean();
    const id = a.bogus || hearings.length === 0 ? new Types.ObjectId().toHexString() : String(hearings[a.pick % hearings.length]!._id);
    await recordOutcome(caller, t.caseId, legalId, id, { outcome: a.outcome, note: '', language: 'en' });
  } else if (a.kind === 'support') {
    await addSupport(caller, t.caseId, legalId, { kinds: a.kinds, date: day(a.offset), note: '', language: 'en' });
  } else {
    await updateLegalCase(caller, t.caseId, legalId, a.stale ? version + 1 : version, legalInput({ complaintDate: day(-60), charges: a.charges }));
  }
}

/** Everything the legal feature stores for the case, raw, and the case's facts. */
async function snapshot(): Promise<string> {
  const caseId = new Types.ObjectId(t.caseId);
  return JSON.stringify({
    legal: await LegalCaseModel.collection.find({ caseId }).sort({ _id: 1 }).toArray(),
    hearings: await LegalHearingModel.collection.find({ caseId }).sort({ _id: 1 }).toArray(),
    facts: await CaseFactModel.collection.findOne({ caseId }),
  });
}

const REFUSALS = [Invalid, NotFound, Forbidden, Conflict];

async function checkStored(): Promise<void> {
  for (const l of await LegalCaseModel.find({ caseId: t.caseId }).lean()) {
    expect(legalStateProblems(l), JSON.stringify({ status: l.status, verdict: l.verdict, closedFrom: l.closedFrom, closeReason: l.closeReason })).to.deep.equal([]);
    const dates = l.stages.map((s) => s.date.getTime());
    expect(dates, 'stages in date order').to.deep.equal([...dates].sort((a, b) => a - b));
    if (l.status === 'closed') {
      const pendingAfter = await LegalHearingModel.countDocuments(trusted({ legalCaseId: l._id, outcome: null, date: { $gt: l.closedAt } }));
      expect(pendingAfter, 'no hearing left set after the legal case closed').to.equal(0);
    }
  }
  for (const h of await LegalHearingModel.find({ caseId: t.caseId }).lean()) {
    if (h.outcome && ['held', 'child_testified', 'verdict_delivered', 'other'].includes(h.outcome)) expect(h.date.toISOString().slice(0, 10) <= day(0), 'a held hearing is not in the future').to.equal(true);
  }
}

async function checkFacts(): Promise<void> {
  const norm = (v: unknown) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
  const stored = norm(await CaseFactModel.collection.findOne({ caseId: new Types.ObjectId(t.caseId) }));
  for (const key of ['_id', '__v', 'createdAt', 'updatedAt']) delete stored[key];
  expect(stored).to.deep.equal(norm(await computeCaseFacts(new Types.ObjectId(t.caseId))));
}

describe('legal cases under random actions by random people (property)', function () {
  this.timeout(120_000);
  useDatabase('legalproperty');

  it('never stores an invalid state, changes nothing on a refusal, and keeps the facts equal to the records', async () => {
    t = await buildTeam();
    const admin = await buildUser({ roles: ['admin'], organisationId: t.orgId });
    const auditor = await buildUser({ roles: ['auditor'], organisationId: t.orgId });
    callers = {
      worker: t.workerCaller,
      supervisor: callerOf(t.supervisor, 'north'),
      otherWorker: callerOf(t.otherWorker, 'south'),
      otherSupervisor: callerOf(t.otherSupervisor, 'south'),
      manager: callerOf(t.manager),
      admin: callerOf(admin),
      auditor: callerOf(auditor),
    };
    let changes = 0;
    let refusals = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...STARTING_STATUSES), fc.array(step, { minLength: 1, maxLength: 8 }), async (start, steps) => {
        const legalId = await createLegalCase(t.workerCaller, t.caseId, { status: start, ...legalInput({ complaintDate: day(-60) }) });
        for (const s of steps) {
          const before = await snapshot();
          try {
            await run(callers[s.actor], legalId, s.action);
            changes += 1;
            expect(MAY_CHANGE, `${s.actor} changed the legal case`).to.include(s.actor);
          } catch (err) {
            if (!REFUSALS.some((k) => err instanceof k)) throw err;
            refusals += 1;
            expect(await snapshot(), `${s.actor} ${JSON.stringify(s.action)} was refused but changed something`).to.equal(before);
          }
          await checkStored();
        }
        await checkFacts();
      }),
      { numRuns: 25 },
    );
    // The runs did both: some actions went through, some were refused.
    expect(changes).to.be.greaterThan(0);
    expect(refusals).to.be.greaterThan(0);
  });
});
