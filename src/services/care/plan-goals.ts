/**
 * The contents of a care-plan version: goals and their interventions, edited while the version is a
 * draft; progress notes and the status of goals and interventions, recorded on the plan in force. Every
 * write goes under the version's `__v` (SECURITY.md V3) and text is sealed (D1).
 */
import { Types } from 'mongoose';
import { isIsoDate } from '../../domain/cases.js';
import { GOAL_STATUSES, INTERVENTION_STATUSES, MAX_GOALS, MAX_INTERVENTIONS, MAX_PROGRESS_NOTES, planMove, type PlanAction, type PlanStatus } from '../../domain/care-plans.js';
import { Conflict, Invalid } from '../../domain/errors.js';
import { isCode } from '../../domain/lookups.js';
import type { Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { inTransaction } from '../../lib/db/index.js';
import { OrganisationModel } from '../../models/organisation.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { seal, userNames, type LeanCase } from '../cases/records.js';
import { refreshCaseFacts } from '../facts/facts.js';
import {
  caseHeader,
  checkRevision,
  dayOf,
  findGoal,
  findIntervention,
  planInScope,
  planViews,
  refuse,
  refuseIfClosed,
  today,
  writePlan,
  type Goal,
  type Intervention,
  type LeanPlan,
} from './plan-records.js';

export interface GoalInput {
  domain: string;
  text: string;
  language: string;
  targetDate: string;
  status: string;
  rev?: number | undefined;
}

export interface InterventionInput {
  service: string;
  /** `user:<id>` (a caseworker of the case) or `organisation:<id>` (a partner organisation). */
  responsible: string;
  dueDate: string;
  status: string;
  rev?: number | undefined;
}

export interface ProgressInput {
  status: string;
  date: string;
  language: string;
  text: string;
}

/** Loads the version for a change the machine must allow in its state (`edit` a draft, `progress` the plan in force). */
async function forChange(caller: Caller, caseId: string, planId: string, moveFor: PlanAction | ((status: PlanStatus) => PlanAction)): Promise<{ c: LeanCase; plan: LeanPlan }> {
  const found = await planInScope(caller, caseId, planId, 'case.update');
  await refuseIfClosed(caller, found.c, 'careplan_change');
  const move = typeof moveFor === 'function' ? moveFor(found.plan.status as PlanStatus) : moveFor;
  if (!planMove(found.plan.status as PlanStatus, move)) await refuse(caller, caseId, 'careplan_change', 'transition_refused', move === 'edit' ? 'care-plans:errors.notDraft' : 'care-plans:errors.notInForce');
  return found;
}

/** Writes the goals of a version read at its current `__v`; someone else's save meanwhile is a conflict (409). */
async function saveGoals(caller: Caller, caseId: string, plan: LeanPlan, goals: Goal[], facts = false): Promise<void> {
  const ok = facts
    ? await inTransaction(async () => {
        if (!(await writePlan(plan, { $set: { goals } }))) return false;
        await refreshCaseFacts(plan.caseId);
        return true;
      })
    : await writePlan(plan, { $set: { goals } });
  if (!ok) throw new Conflict();
  await audit(caller, { action: 'careplan_change', outcome: 'success', recordType: 'case', recordId: caseId });
}

function goalFields(input: GoalInput): Omit<Goal, '_id' | 'interventions' | 'progress'> {
  const fields: Record<string, string> = {};
  if (!isIsoDate(input.targetDate)) fields.targetDate = 'care-plans:errors.date';
  if (!(GOAL_STATUSES as readonly string[]).includes(input.status)) fields.status = 'common:form.required';
  if (!input.text.trim()) fields.text = 'common:form.required';
  if (Object.keys(fields).length > 0) throw new Invalid(fields);
  return { domain: input.domain, secret: seal({ text: input.text }), defaultText: false, language: input.language, targetDate: dayOf(input.targetDate), status: input.status };
}

export async function addGoal(caller: Caller, caseId: string, planId: string, input: GoalInput): Promise<string> {
  const { plan } = await forChange(caller, caseId, planId, 'edit');
  checkRevision(plan, input.rev);
  if (plan.goals.length >= MAX_GOALS) throw new Invalid({ _form: 'care-plans:errors.tooManyGoals' });
  const goal = { _id: new Types.ObjectId(), ...goalFields(input), interventions: [], progress: [] } as Goal;
  await saveGoals(caller, caseId, plan, [...plan.goals, goal]);
  return String(goal._id);
}

export async function updateGoal(caller: Caller, caseId: string, planId: string, goalId: string, input: GoalInput): Promise<void> {
  const { plan } = await forChange(caller, caseId, planId, 'edit');
  const goal = findGoal(plan, goalId);
  checkRevision(plan, input.rev);
  const changed = { ...goal, ...goalFields(input) };
  await saveGoals(caller, caseId, plan, plan.goals.map((g) => (g === goal ? changed : g)));
}

export async function removeGoal(caller: Caller, caseId: string, planId: string, goalId: string): Promise<void> {
  const { plan } = await forChange(caller, caseId, planId, 'edit');
  const goal = findGoal(plan, goalId);
  await saveGoals(caller, caseId, plan, plan.goals.filter((g) => g !== goal));
}

/** Who is responsible: a caseworker of this case, or a partner organisation; anything else is refused. */
async function responsibleOf(c: LeanCase, value: string): Promise<Pick<Intervention, 'responsibleUserId' | 'responsibleOrganisationId'>> {
  const m = /^(user|organisation):([0-9a-f]{24})$/i.exec(value);
  if (!m) throw new Invalid({ responsible: value ? 'common:form.invalid' : 'common:form.required' });
  const id = new Types.ObjectId(m[2]!);
  if (m[1] === 'user') {
    if (!c.caseworkerIds.some((w) => String(w) === String(id))) throw new Invalid({ responsible: 'care-plans:errors.responsible' });
    return { responsibleUserId: id };
  }
  if (!(await OrganisationModel.exists(trusted({ _id: id, kind: 'partner' })))) throw new Invalid({ responsible: 'care-plans:errors.responsible' });
  return { responsibleOrganisationId: id };
}

async function interventionFields(c: LeanCase, input: InterventionInput): Promise<Omit<Intervention, '_id'>> {
  const fields: Record<string, string> = {};
  if (!isCode('serviceType', input.service)) fields.service = 'common:form.required';
  if (!isIsoDate(input.dueDate)) fields.dueDate = 'care-plans:errors.date';
  if (!(INTERVENTION_STATUSES as readonly string[]).includes(input.status)) fields.status = 'common:form.required';
  let who: Pick<Intervention, 'responsibleUserId' | 'responsibleOrganisationId'> = {};
  try {
    who = await responsibleOf(c, input.responsible);
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    Object.assign(fields, err.fields);
  }
  if (Object.keys(fields).length > 0) throw new Invalid(fields);
  return { service: input.service, ...who, dueDate: dayOf(input.dueDate), status: input.status };
}

export async function addIntervention(caller: Caller, caseId: string, planId: string, goalId: string, input: InterventionInput): Promise<void> {
  const { c, plan } = await forChange(caller, caseId, planId, 'edit');
  const goal = findGoal(plan, goalId);
  checkRevision(plan, input.rev);
  if (goal.interventions.length >= MAX_INTERVENTIONS) throw new Invalid({ _form: 'care-plans:errors.tooManyInterventions' });
  const made = { _id: new Types.ObjectId(), ...(await interventionFields(c, input)) } as Intervention;
  await saveGoals(caller, caseId, plan, plan.goals.map((g) => (g === goal ? { ...g, interventions: [...g.interventions, made] } : g)));
}

export async function updateIntervention(caller: Caller, caseId: string, planId: string, goalId: string, interventionId: string, input: InterventionInput): Promise<void> {
  const { c, plan } = await forChange(caller, caseId, planId, 'edit');
  const goal = findGoal(plan, goalId);
  const old = findIntervention(goal, interventionId);
  checkRevision(plan, input.rev);
  // Only the new values are kept: the responsible is a user or an organisation, never both.
  const changed = { _id: old._id, ...(await interventionFields(c, input)) } as Intervention;
  await saveGoals(caller, caseId, plan, plan.goals.map((g) => (g === goal ? { ...g, interventions: g.interventions.map((i) => (i === old ? changed : i)) } : g)));
}

export async function removeIntervention(caller: Caller, caseId: string, planId: string, goalId: string, interventionId: string): Promise<void> {
  const { plan } = await forChange(caller, caseId, planId, 'edit');
  const goal = findGoal(plan, goalId);
  const old = findIntervention(goal, interventionId);
  await saveGoals(caller, caseId, plan, plan.goals.map((g) => (g === goal ? { ...g, interventions: g.interventions.filter((i) => i !== old) } : g)));
}

/**
 * A progress note and the goal's status, on the plan in force. Notes only add, so a save that lost the
 * race with another one is tried again on the newer version (up to three times) rather than refused.
 */
export async function recordProgress(caller: Caller, caseId: string, planId: string, goalId: string, input: ProgressInput): Promise<void> {
  const fields: Record<string, string> = {};
  if (!isIsoDate(input.date) || input.date > today()) fields.date = 'care-plans:errors.pastDate';
  if (!(GOAL_STATUSES as readonly string[]).includes(input.status)) fields.status = 'common:form.required';
  for (let attempt = 0; attempt < 3; attempt++) {
    const { plan } = await forChange(caller, caseId, planId, 'progress');
    const goal = findGoal(plan, goalId);
    if (Object.keys(fields).length === 0 && !input.text.trim() && input.status === goal.status) fields.text = 'care-plans:errors.nothingToSave';
    if (Object.keys(fields).length === 0 && goal.progress.length >= MAX_PROGRESS_NOTES) fields._form = 'care-plans:errors.tooManyNotes';
    if (Object.keys(fields).length > 0) throw new Invalid(fields);
    const note = input.text.trim()
      ? [{ _id: new Types.ObjectId(), date: dayOf(input.date), secret: seal({ text: input.text }), language: input.language, authorId: new Types.ObjectId(caller.userId), at: clock.now() }]
      : [];
    const changed = { ...goal, status: input.status, progress: [...goal.progress, ...note] };
    try {
      await saveGoals(caller, caseId, plan, plan.goals.map((g) => (g === goal ? changed : g)), input.status !== goal.status);
      return;
    } catch (err) {
      if (!(err instanceof Conflict) || attempt === 2) throw err;
    }
  }
}

/** An intervention's status: on the plan in force as progress, on a draft as an edit. */
export async function setInterventionStatus(caller: Caller, caseId: string, planId: string, goalId: string, interventionId: string, status: string): Promise<void> {
  if (!(INTERVENTION_STATUSES as readonly string[]).includes(status)) throw new Invalid({ status: 'common:form.required' });
  for (let attempt = 0; attempt < 3; attempt++) {
    const { plan } = await forChange(caller, caseId, planId, (s) => (s === 'draft' ? 'edit' : 'progress'));
    const goal = findGoal(plan, goalId);
    const old = findIntervention(goal, interventionId);
    try {
      await saveGoals(caller, caseId, plan, plan.goals.map((g) => (g === goal ? { ...g, interventions: g.interventions.map((i) => (i === old ? { ...i, status } : i)) } : g)));
      return;
    } catch (err) {
      if (!(err instanceof Conflict) || attempt === 2) throw err;
    }
  }
}

/** Partner organisations an intervention can name, in the reader's language, sorted by it. */
async function partnerOptions(locale: string): Promise<{ value: string; name: string }[]> {
  const orgs = await OrganisationModel.find({ kind: 'partner' }).select({ name: 1, code: 1 }).limit(1000).lean();
  return orgs
    .map((o) => {
      const name = o.name as Record<string, string | undefined> | undefined;
      return { value: `organisation:${o._id}`, name: name?.[locale] || name?.en || o.code };
    })
    .sort((a, b) => a.name.localeCompare(b.name, locale));
}

/**
 * A goal or intervention form of a version: the version and goal, and who can be made responsible (the
 * case's caseworkers, partner organisations). A view of case data, so it is audited.
 */
export async function goalFormOf(caller: Caller, caseId: string, planId: string, goalId: string | undefined, locale: string, options: { responsibles?: boolean; interventionId?: string } = {}) {
  const { c, plan } = await planInScope(caller, caseId, planId, 'case.update');
  // A goal or intervention that is not this version's is not found, like any unknown record.
  if (goalId) findGoal(plan, goalId);
  if (goalId && options.interventionId) findIntervention(findGoal(plan, goalId), options.interventionId);
  const [view] = await planViews([plan], locale);
  const goal = goalId ? view!.goals.find((g) => g.id === goalId) : undefined;
  const intervention = options.interventionId ? goal?.interventions.find((i) => i.id === options.interventionId) : undefined;
  const [workers, partners] = options.responsibles ? await Promise.all([userNames(c.caseworkerIds), partnerOptions(locale)]) : [new Map<string, string>(), []];
  await audit(caller, { action: 'careplan_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return {
    c: caseHeader(c),
    plan: { id: view!.id, version: view!.version, status: view!.status, rev: view!.rev },
    goal,
    intervention,
    responsibles: {
      caseworkers: c.caseworkerIds.map((w) => ({ value: `user:${w}`, name: workers.get(String(w)) ?? '' })),
      partners,
    },
  };
}

export type GoalForm = Awaited<ReturnType<typeof goalFormOf>>;
