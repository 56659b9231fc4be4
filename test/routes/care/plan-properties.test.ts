/**
 * Property-based: random sequences of care-plan actions (start a version, add goals and interventions,
 * submit, approve, return, revise, record progress) by random people (the assigned caseworker, a
 * caseworker of the team not assigned, the team's supervisors, one who is both caseworker and
 * supervisor, another team's supervisor, a manager, an admin) go through the services against the test
 * database. After each step: no invalid state is stored, a refused action changed no stored document,
 * nobody decided on their own submission or outside their scope, and the case is active exactly when a
 * plan has been approved. At the end the stored facts equal their recomputation.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Types } from 'mongoose';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../src/domain/errors.js';
import type { Caller } from '../../../src/domain/permissions.js';
import { CarePlanModel } from '../../../src/models/care-plan.js';
import { CaseChangeModel } from '../../../src/models/case-change.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { CaseModel } from '../../../src/models/case.js';
import { addGoal, addIntervention, recordProgress } from '../../../src/services/care/plan-goals.js';
import { approvePlan, returnPlan, revisePlan, startVersion, submitPlan } from '../../../src/services/care/plans.js';
import { computeCaseFacts } from '../../../src/services/facts/facts.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { inDays, today } from './plan-fixtures.js';

const ACTORS = ['worker', 'both', 'colleague', 'supervisor', 'supervisor2', 'otherTeam', 'manager', 'admin'] as const;
type Actor = (typeof ACTORS)[number];
const ACTIONS = ['start', 'goal', 'intervention', 'submit', 'approve', 'return', 'revise', 'progress'] as const;
type Act = (typeof ACTIONS)[number];

/** Who may work on the case (assigned caseworkers, the team's supervisors) and who may decide (the team's supervisors). */
const MAY_UPDATE = new Set<Actor>(['worker', 'both', 'supervisor', 'supervisor2']);
const MAY_DECIDE = new Set<Actor>(['both', 'supervisor', 'supervisor2']);

describe('care plans, property-based: random actions by random people never store an invalid state', function () {
  this.timeout(120_000);
  useDatabase('careplanprops');

  let callers: Record<Actor, Caller>;
  let owner: TestUser;
  let teamSupervisor: TestUser;

  async function people(): Promise<void> {
    const org = (await buildOrganisation({ country: 'PH' })).id;
    const make = (roles: TestUser['roles'], team?: string) => buildUser({ roles, organisationId: org, team });
    owner = await make(['caseworker'], 'north');
    teamSupervisor = await make(['supervisor'], 'north');
    const users = {
      worker: owner,
      both: await make(['caseworker', 'supervisor'], 'north'),
      colleague: await make(['caseworker'], 'north'),
      supervisor: teamSupervisor,
      supervisor2: await make(['supervisor'], 'north'),
      otherTeam: await make(['supervisor'], 'south'),
      manager: await make(['manager']),
      admin: await make(['admin']),
    };
    callers = Object.fromEntries(Object.entries(users).map(([k, u]) => [k, callerOf(u, k === 'otherTeam' ? 'south' : k === 'manager' || k === 'admin' ? undefined : 'north')])) as Record<Actor, Caller>;
  }

  /** Everything the actions may change, as stored. */
  async function snapshot(caseId: string): Promise<string> {
    const [plans, c, changes, facts] = await Promise.all([
      CarePlanModel.find({ caseId }).sort({ version: 1 }).lean(),
      CaseModel.findById(caseId).lean(),
      CaseChangeModel.find({ caseId }).sort({ at: 1 }).lean(),
      CaseFactModel.findOne({ caseId }).lean(),
    ]);
    return JSON.stringify({ plans, c, changes, facts });
  }

  async function run(caseId: string, actor: Actor, act: Act, pick: number): Promise<void> {
    const caller = callers[actor];
    const plans = await CarePlanModel.find({ caseId }).sort({ version: 1 }).lean();
    // Mostly the version in play; sometimes any version, or one that does not exist.
    const open = plans.find((p) => ['draft', 'submitted', 'returned'].includes(p.status));
    const inForce = plans.find((p) => p.status === 'approved');
    const any = plans.length && pick % 5 === 0 ? plans[pick % plans.length] : undefined;
    const plan = any ?? (act === 'progress' ? inForce : open) ?? inForce;
    const planId = plan ? String(plan._id) : String(new Types.ObjectId());
    const goalId = plan?.goals.length ? String(plan.goals[pick % plan.goals.length]!._id) : String(new Types.ObjectId());
    switch (act) {
      case 'start':
        await startVersion(caller, caseId);
        return;
      case 'goal':
        await addGoal(caller, caseId, planId, { domain: ['safety', 'health', 'education'][pick % 3]!, text: `Fictional goal ${pick}`, language: 'en', targetDate: inDays(60), status: 'not_started' });
        return;
      case 'intervention':
        await addIntervention(caller, caseId, planId, goalId, { service: 'counselling', responsible: `user:${owner.id}`, dueDate: inDays(20), status: 'planned' });
        return;
      case 'submit':
        await submitPlan(caller, caseId, planId);
        return;
      case 'approve':
        await approvePlan(caller, caseId, planId);
        return;
      case 'return':
        await returnPlan(caller, caseId, planId, 'Fictional return comment', 'en');
        return;
      case 'revise':
        await revisePlan(caller, caseId, planId);
        return;
      case 'progress':
        await recordProgress(caller, caseId, planId, goalId, { status: ['in_progress', 'achieved'][pick % 2]!, date: today(), language: 'en', text: pick % 3 ? 'Fictional progress' : '' });
    }
  }

  /** The invariants of what is stored, whatever happened before. */
  async function checkStored(caseId: string): Promise<void> {
    const plans = await CarePlanModel.find({ caseId }).lean();
    const c = (await CaseModel.findById(caseId).lean())!;
    const open = plans.filter((p) => ['draft', 'submitted', 'returned'].includes(p.status));
    const approved = plans.filter((p) => p.status === 'approved');
    const everApproved = plans.filter((p) => p.status === 'approved' || p.status === 'superseded');
    expect(open.length, 'one version worked on at most').to.be.at.most(1);
    expect(approved.length, 'one plan in force at most').to.be.at.most(1);
    expect(new Set(plans.map((p) => p.version)).size).to.equal(plans.length);
    for (const p of plans) {
      if (['submitted', 'approved', 'superseded'].includes(p.status)) {
        expect(p.submittedBy, `${p.status} has a submitter`).to.exist;
        expect(p.goals.length, 'submitted with goals').to.be.greaterThan(0);
        expect(p.goals.every((g) => g.interventions.length > 0), 'every goal with an intervention').to.equal(true);
      }
      if (p.status === 'approved' || p.status === 'superseded') {
        expect(p.approvedAt).to.be.instanceOf(Date);
        expect(String(p.decidedBy), 'never approved by its submitter').to.not.equal(String(p.submittedBy));
      }
      if (p.status === 'superseded') expect(approved.length, 'superseded only by a newer approval').to.equal(1);
    }
    expect(c.status, 'active exactly when a plan was approved').to.equal(everApproved.length > 0 ? 'active' : 'open');
    expect(await CaseChangeModel.countDocuments({ caseId, kind: 'activate' })).to.equal(everApproved.length > 0 ? 1 : 0);
  }

  it('holds for every sequence', async () => {
    await people();
    const step = fc.record({ actor: fc.constantFrom(...ACTORS), act: fc.constantFrom(...ACTIONS), pick: fc.nat({ max: 1000 }) });
    // A run starts with some steps of the way to an approved plan (by people who may or may not take them),
    // then random steps; at most 8 in all.
    const HAPPY: Act[] = ['start', 'goal', 'intervention', 'submit', 'approve'];
    const updater = fc.constantFrom<Actor>('worker', 'both', 'supervisor', 'supervisor2');
    const decider = fc.constantFrom<Actor>('both', 'supervisor', 'supervisor2');
    const prefix = (k: number) => fc.tuple(...HAPPY.slice(0, k).map((act) => (act === 'approve' ? decider : updater)));
    const steps = fc
      .oneof({ arbitrary: fc.constant(HAPPY.length), weight: 2 }, { arbitrary: fc.integer({ min: 0, max: HAPPY.length - 1 }), weight: 3 })
      .chain((k) => fc.tuple(prefix(k), fc.array(step, { minLength: k === 0 ? 1 : 0, maxLength: 8 - k })))
      .map(([actors, rest]) => [...(actors as Actor[]).map((actor, i) => ({ actor, act: HAPPY[i]!, pick: 0 })), ...rest]);
    // What went through, so the test can show it reached approvals, returns and revisions at all.
    const done = new Map<Act, number>();
    await fc.assert(
      fc.asyncProperty(steps, async (sequence) => {
        const caseId = await buildCase(teamSupervisor, {}, { team: 'north', assignment: { caseworkerIds: [owner.id, (callers.both as Caller).userId] } });
        for (const { actor, act, pick } of sequence) {
          const before = await snapshot(caseId);
          const submitter = (await CarePlanModel.findOne({ caseId, status: 'submitted' }).lean())?.submittedBy;
          let refused = false;
          try {
            await run(caseId, actor, act, pick);
          } catch (err) {
            if (!(err instanceof Invalid || err instanceof NotFound || err instanceof Forbidden || err instanceof Conflict)) throw err;
            refused = true;
          }
          if (refused) {
            expect(await snapshot(caseId), `${actor} ${act} was refused and changed nothing`).to.equal(before);
          } else {
            done.set(act, (done.get(act) ?? 0) + 1);
            const decision = act === 'approve' || act === 'return';
            expect(decision ? MAY_DECIDE.has(actor) : MAY_UPDATE.has(actor), `${actor} may ${act}`).to.equal(true);
            if (decision) expect(String(submitter), `${actor} decided on their own submission`).to.not.equal(callers[actor].userId);
          }
          await checkStored(caseId);
        }
        const stored = (await CaseFactModel.findOne({ caseId }).lean()) as Record<string, unknown> | null;
        const { _id, __v, createdAt: _c, updatedAt: _u, ...fields } = stored!;
        expect(JSON.parse(JSON.stringify(fields))).to.deep.equal(JSON.parse(JSON.stringify(await computeCaseFacts(new Types.ObjectId(caseId)))));
      }),
      { numRuns: 20 },
    );
    for (const act of ['start', 'goal', 'intervention', 'submit', 'approve'] as const) expect(done.get(act) ?? 0, `${act} went through in some run`).to.be.greaterThan(0);
  });

  it('finds a supervisor approving their own submission refused, in a sequence written out', async () => {
    await people();
    const caseId = await buildCase(teamSupervisor, {}, { team: 'north', assignment: { caseworkerIds: [owner.id, callers.both.userId] } });
    for (const act of ['start', 'goal', 'intervention', 'submit'] as const) await run(caseId, 'both', act, 0);
    const before = await snapshot(caseId);
    let error: unknown;
    try {
      await run(caseId, 'both', 'approve', 0);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(Invalid);
    expect((error as Invalid).fields._form).to.equal('care-plans:errors.ownSubmission');
    expect(await snapshot(caseId)).to.equal(before);
    await run(caseId, 'supervisor', 'approve', 0);
    expect((await CaseModel.findById(caseId).lean())!.status).to.equal('active');
  });
});
