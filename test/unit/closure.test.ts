/**
 * The closure machine (domain/closure.ts) and, driven through the services against the test database,
 * random sequences of proposals, decisions, reopenings and follow-up visits by random people: the
 * caseworker of the case and one who is not, two supervisors of the team and one of another team, a
 * manager and an admin. After every step the stored records are in a state the machine allows; a step
 * that was refused changed nothing; a step succeeds exactly when the rules say it should; and the
 * case's stored reporting facts equal what its records say.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Types } from 'mongoose';
import { closureReasonsFrom, type CaseStatus } from '../../src/domain/cases.js';
import {
  CLOSURE_MOVES,
  CLOSURE_STATES,
  FOLLOW_UP_REASONS,
  addMonths,
  closureMove,
  closureState,
  followUpStanding,
  followUpsFor,
  isOwnSubmission,
  type ClosureState,
} from '../../src/domain/closure.js';
import { Forbidden, Invalid, NotFound } from '../../src/domain/errors.js';
import { LOOKUPS } from '../../src/domain/lookups.js';
import { clock } from '../../src/lib/clock.js';
import { CaseFactModel } from '../../src/models/case-fact.js';
import { CaseModel } from '../../src/models/case.js';
import { CaseChangeModel } from '../../src/models/case-change.js';
import { ClosureProposalModel } from '../../src/models/closure-proposal.js';
import { FollowUpModel } from '../../src/models/follow-up.js';
import { approveClosure, proposeClosure, reopenCase, returnClosure } from '../../src/services/cases/closure.js';
import { recordFollowUp } from '../../src/services/cases/follow-ups.js';
import { StaleVersion } from '../../src/services/cases/records.js';
import { computeCaseFacts } from '../../src/services/facts/facts.js';
import { buildCase, callerOf } from '../helpers/cases.js';
import { makeActive } from '../helpers/closures.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('the closure machine (domain/closure.ts)', () => {
  const ALLOWED: Record<string, ClosureState> = {
    'none propose': 'proposed',
    'proposed approve': 'approved',
    'proposed return': 'returned',
    'returned propose': 'proposed',
    'approved reopen': 'none',
  };

  it('allows exactly propose, approve or return, propose again, and reopen; nothing else', () => {
    for (const from of CLOSURE_STATES) {
      for (const move of CLOSURE_MOVES) expect(closureMove(from, move), `${from} ${move}`).to.equal(ALLOWED[`${from} ${move}`]);
    }
  });

  it('never leaves its states, whatever the moves (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CLOSURE_MOVES), { maxLength: 30 }), (moves) => {
        let state: ClosureState = 'none';
        let pending = 0;
        for (const move of moves) {
          const next = closureMove(state, move);
          if (next === undefined) continue;
          if (next === 'proposed') pending += 1;
          if (state === 'proposed') pending -= 1;
          state = next;
          expect(CLOSURE_STATES).to.include(state);
          // One proposal at a time.
          expect(pending).to.be.within(0, 1);
        }
      }),
    );
  });

  it('reads a case’s state from its status and its latest proposal', () => {
    expect(closureState('open', undefined)).to.equal('none');
    expect(closureState('active', 'proposed')).to.equal('proposed');
    expect(closureState('open', 'returned')).to.equal('returned');
    expect(closureState('closed', 'approved')).to.equal('approved');
    // Closed before approvals existed, and reopened after an approval.
    expect(closureState('closed', undefined)).to.equal('approved');
    expect(closureState('active', 'approved')).to.equal('none');
  });

  it('never lets the proposer decide', () => {
    expect(isOwnSubmission('a', 'a')).to.equal(true);
    expect(isOwnSubmission('a', 'b')).to.equal(false);
  });

  it('adds calendar months, keeping the day or taking the month’s last', () => {
    expect(addMonths(day('2026-08-31'), 6).toISOString().slice(0, 10)).to.equal('2027-02-28');
    expect(addMonths(day('2027-08-31'), 6).toISOString().slice(0, 10)).to.equal('2028-02-29');
    expect(addMonths(day('2026-03-31'), 6).toISOString().slice(0, 10)).to.equal('2026-09-30');
    expect(addMonths(day('2026-01-15'), 12).toISOString().slice(0, 10)).to.equal('2027-01-15');
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }), fc.integer({ min: 0, max: 36 }), (d, months) => {
        const start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
        const end = addMonths(start, months);
        expect((end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth()).to.equal(months);
        expect(end.getUTCDate()).to.be.at.most(start.getUTCDate());
        expect(end.getUTCHours()).to.equal(0);
      }),
    );
  });

  it('schedules visits at 6 and 12 months for a reintegration only', () => {
    expect(followUpsFor('reintegrated_family', day('2026-06-01')).map((v) => [v.months, v.dueDate.toISOString().slice(0, 10)])).to.deep.equal([
      [6, '2026-12-01'],
      [12, '2027-06-01'],
    ]);
    expect(followUpsFor('kinship_care', day('2026-06-01'))).to.have.length(2);
    for (const reason of LOOKUPS.closureReason.filter((r) => !FOLLOW_UP_REASONS.includes(r))) expect(followUpsFor(reason, day('2026-06-01')), reason).to.deep.equal([]);
  });

  it('says a visit is upcoming, due from 30 days before, overdue from the day after, or done with', () => {
    const due = day('2026-12-01');
    expect(followUpStanding('scheduled', due, new Date('2026-10-31T23:00:00Z'))).to.equal('upcoming');
    expect(followUpStanding('scheduled', due, new Date('2026-11-01T01:00:00Z'))).to.equal('due');
    expect(followUpStanding('scheduled', due, new Date('2026-12-01T23:59:00Z'))).to.equal('due');
    expect(followUpStanding('scheduled', due, new Date('2026-12-02T00:00:00Z'))).to.equal('overdue');
    expect(followUpStanding('recorded', due, new Date('2027-06-01T00:00:00Z'))).to.equal('recorded');
    expect(followUpStanding('cancelled', due, new Date('2027-06-01T00:00:00Z'))).to.equal('cancelled');
  });
});

type Actor = 'worker' | 'otherWorker' | 'supervisor' | 'secondSupervisor' | 'otherTeam' | 'manager' | 'admin';
const ACTORS: readonly Actor[] = ['worker', 'otherWorker', 'supervisor', 'secondSupervisor', 'otherTeam', 'manager', 'admin'];
/** Who may work on the case (assigned caseworker, supervisors of its team), and who decides. */
const WORKS_ON: readonly Actor[] = ['worker', 'supervisor', 'secondSupervisor'];
const DECIDES: readonly Actor[] = ['supervisor', 'secondSupervisor'];

type Step =
  | { kind: 'propose'; actor: Actor; reason: string; date: string }
  | { kind: 'approve' | 'return'; actor: Actor }
  | { kind: 'reopen'; actor: Actor; reason: string; date: string }
  | { kind: 'record'; actor: Actor; which: number };

type Kind = Step['kind'];

/**
 * One step as drawn: a random kind, person and input; or, most of the time, "the natural next step" for
 * where the case stands (propose, then approve or return, then record a visit or reopen), still by a
 * random person with random input, so that sequences get far as well as wander.
 */
interface Intent {
  natural: boolean;
  kind: Kind;
  actor: Actor;
  reason: string;
  date: string;
  reopenReason: string;
  reopenDate: string;
  which: number;
}

/** Mostly the people who may act on the case; sometimes anyone. */
const actor = fc.oneof({ arbitrary: fc.constantFrom<Actor>('worker', 'supervisor', 'secondSupervisor'), weight: 5 }, { arbitrary: fc.constantFrom(...ACTORS), weight: 1 });
const intent: fc.Arbitrary<Intent> = fc.record({
  natural: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
  kind: fc.constantFrom<Kind>('propose', 'approve', 'return', 'reopen', 'record'),
  actor,
  reason: fc.constantFrom('reintegrated_family', 'kinship_care', 'reintegrated_family', 'duplicate', 'not_within_mandate', 'turned_18', 'lost_contact'),
  date: fc.constantFrom('2026-06-01', '2026-09-15', '2026-06-01', '2999-01-01'),
  reopenReason: fc.constantFrom('new_risk', 'closed_in_error', 'new_risk', 'duplicate'),
  reopenDate: fc.constantFrom('today', 'today', 'today', '2026-01-01'),
  which: fc.integer({ min: 0, max: 2 }),
});

function stepOf(i: Intent, state: ClosureState, scheduled: boolean): Step {
  const kind: Kind = !i.natural
    ? i.kind
    : state === 'none' || state === 'returned'
      ? 'propose'
      : state === 'proposed'
        ? i.kind === 'return' || i.kind === 'reopen'
          ? 'return'
          : 'approve'
        : scheduled && i.kind !== 'reopen'
          ? 'record'
          : 'reopen';
  if (kind === 'propose') return { kind, actor: i.actor, reason: i.reason, date: i.date };
  if (kind === 'reopen') return { kind, actor: i.actor, reason: i.reopenReason, date: i.reopenDate };
  if (kind === 'record') return { kind, actor: i.actor, which: i.which };
  return { kind, actor: i.actor };
}

describe('closure through the services, random steps by random people (property)', function () {
  this.timeout(120_000);
  useDatabase('closureproperty');

  const team = { worker: 'north', otherWorker: 'north', supervisor: 'north', secondSupervisor: 'north', otherTeam: 'south', manager: undefined, admin: undefined } as const;

  async function people(): Promise<Record<Actor, TestUser>> {
    const org = (await buildOrganisation({ country: 'PH' })).id;
    return {
      worker: await buildUser({ roles: ['caseworker'], organisationId: org, team: 'north' }),
      otherWorker: await buildUser({ roles: ['caseworker'], organisationId: org, team: 'north' }),
      supervisor: await buildUser({ roles: ['supervisor'], organisationId: org, team: 'north' }),
      secondSupervisor: await buildUser({ roles: ['supervisor'], organisationId: org, team: 'north' }),
      otherTeam: await buildUser({ roles: ['supervisor'], organisationId: org, team: 'south' }),
      manager: await buildUser({ roles: ['manager'], organisationId: org }),
      admin: await buildUser({ roles: ['admin'], organisationId: org }),
    };
  }

  async function records(caseId: Types.ObjectId) {
    const [c, proposals, visits, changes, facts] = await Promise.all([
      CaseModel.findById(caseId).lean(),
      ClosureProposalModel.find({ caseId }).sort({ proposedAt: 1, _id: 1 }).lean(),
      FollowUpModel.find({ caseId }).sort({ dueDate: 1, _id: 1 }).lean(),
      CaseChangeModel.countDocuments({ caseId }),
      CaseFactModel.findOne({ caseId }).lean(),
    ]);
    return { c: c!, proposals, visits, changes, facts };
  }

  /** Whether the rules let this step through, from the records as they are before it. */
  function expected(s: Step, r: Awaited<ReturnType<typeof records>>, users: Record<Actor, TestUser>, today: string): boolean {
    const status = r.c.status as CaseStatus;
    const latest = r.proposals.at(-1);
    const state = closureState(status, latest?.status);
    if (s.kind === 'propose') return WORKS_ON.includes(s.actor) && closureMove(state, 'propose') !== undefined && closureReasonsFrom(status).includes(s.reason) && s.date <= today;
    if (s.kind === 'approve' || s.kind === 'return') {
      if (!DECIDES.includes(s.actor) || state !== 'proposed' || isOwnSubmission(String(latest!.proposedBy), users[s.actor].id)) return false;
      return s.kind === 'return' || closureReasonsFrom(status).includes(latest!.reason);
    }
    if (s.kind === 'reopen') {
      const date = s.date === 'today' ? today : s.date;
      return DECIDES.includes(s.actor) && status === 'closed' && (LOOKUPS.reopenReason as readonly string[]).includes(s.reason) && day(date) >= r.c.closure!.date!;
    }
    if (s.kind !== 'record') return false;
    return WORKS_ON.includes(s.actor) && r.visits[s.which]?.status === 'scheduled';
  }

  async function run(s: Step, caseId: string, users: Record<Actor, TestUser>, r: Awaited<ReturnType<typeof records>>, today: string): Promise<void> {
    const caller = callerOf(users[s.actor], team[s.actor]);
    const latest = r.proposals.at(-1);
    const proposal = latest ? String(latest._id) : String(new Types.ObjectId());
    if (s.kind === 'propose') return proposeClosure(caller, caseId, { reason: s.reason, date: s.date, note: 'Fictional note.', language: 'en' });
    if (s.kind === 'approve') return approveClosure(caller, caseId, proposal);
    if (s.kind === 'return') return returnClosure(caller, caseId, proposal, { comment: 'Fictional comment.', language: 'en' });
    if (s.kind === 'reopen') return reopenCase(caller, caseId, { reason: s.reason, date: s.date === 'today' ? today : s.date, version: r.c.__v ?? 0 });
    if (s.kind !== 'record') return;
    const visit = r.visits[s.which];
    return recordFollowUp(caller, caseId, visit ? String(visit._id) : String(new Types.ObjectId()), { visitDate: today, safe: true, livingAsPlanned: false, inSchoolOrWork: true, note: 'Fictional visit.', language: 'en' });
  }

  /** What must hold of the stored records after any step. */
  function valid(r: Awaited<ReturnType<typeof records>>): void {
    const status = r.c.status as CaseStatus;
    const waiting = r.proposals.filter((p) => p.status === 'proposed');
    expect(waiting.length, 'one proposal at a time').to.be.at.most(1);
    for (const p of r.proposals) {
      expect(['proposed', 'approved', 'returned']).to.include(p.status);
      expect(closureReasonsFrom(p.from as CaseStatus), 'a proposal’s reason fits the state it was made in').to.include(p.reason);
      if (p.status !== 'proposed') expect(String(p.decidedBy), 'nobody decides their own proposal').to.not.equal(String(p.proposedBy));
    }
    if (status === 'closed') {
      expect(waiting, 'nothing waits on a closed case').to.have.length(0);
      expect(closureReasonsFrom(r.c.closure!.from as CaseStatus)).to.include(r.c.closure!.reason);
      expect(r.proposals.at(-1)?.status, 'a case closes by an approval').to.equal('approved');
    } else {
      expect(r.c.closure?.reason, 'an open or active case has no closure').to.equal(undefined);
    }
    for (const v of r.visits) {
      expect(['scheduled', 'recorded', 'cancelled']).to.include(v.status);
      if (v.status === 'scheduled') expect(status, 'visits wait only on a closed case').to.equal('closed');
      if (v.status === 'recorded') expect([typeof v.safe, typeof v.livingAsPlanned, typeof v.inSchoolOrWork, v.visitDate instanceof Date]).to.deep.equal(['boolean', 'boolean', 'boolean', true]);
    }
    const approvedForVisits = r.proposals.filter((p) => p.status === 'approved' && FOLLOW_UP_REASONS.includes(p.reason)).length;
    expect(r.visits.length, 'two visits per approved reintegration').to.equal(approvedForVisits * 2);
  }

  async function factsAgree(caseId: Types.ObjectId): Promise<void> {
    const { _id, __v, createdAt: _created, updatedAt: _updated, ...stored } = (await CaseFactModel.findOne({ caseId }).lean()) as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(stored))).to.deep.equal(JSON.parse(JSON.stringify(await computeCaseFacts(caseId))));
  }

  it('stores only states the machine allows, refusals change nothing, and the facts never drift', async () => {
    const users = await people();
    const today = clock.now().toISOString().slice(0, 10);
    let steps = 0;
    const through = new Map<Kind, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(true, true, false), fc.array(intent, { minLength: 1, maxLength: 8 }), async (active, sequence) => {
        const id = await buildCase(users.worker, {}, { team: 'north' });
        if (active) await makeActive(id);
        const caseId = new Types.ObjectId(id);
        for (const drawn of sequence) {
          const before = await records(caseId);
          const s = stepOf(drawn, closureState(before.c.status as CaseStatus, before.proposals.at(-1)?.status), before.visits.some((v) => v.status === 'scheduled'));
          const should = expected(s, before, users, today);
          let refused: unknown;
          try {
            await run(s, id, users, before, today);
          } catch (err) {
            if (!(err instanceof Invalid || err instanceof NotFound || err instanceof Forbidden || err instanceof StaleVersion)) throw err;
            refused = err;
          }
          const after = await records(caseId);
          expect(refused === undefined, `${JSON.stringify(s)} ${refused ? String((refused as Error).name) + JSON.stringify((refused as Invalid).fields ?? {}) : 'went through'}`).to.equal(should);
          if (refused) expect(JSON.stringify(after), `${s.kind} was refused and changed nothing`).to.equal(JSON.stringify(before));
          valid(after);
          await factsAgree(caseId);
          steps += 1;
          if (!refused) through.set(s.kind, (through.get(s.kind) ?? 0) + 1);
        }
      }),
      { numRuns: 25 },
    );
    expect(steps).to.be.greaterThan(20);
    // The runs got somewhere: closures were proposed and approved, not only refused.
    expect(through.get('propose'), 'proposals that went through').to.be.greaterThan(0);
    expect(through.get('approve'), 'approvals that went through').to.be.greaterThan(0);
  });
});
