/**
 * What the care-plan and review services share: loading a version inside the caller's scope, refusing
 * a move the machine does not allow (audited, nothing changed), writing a version under its `__v`
 * (SECURITY.md V3), and opening the sealed text of a version for a page (D1).
 */
import { Types } from 'mongoose';
import type { AuditAction, AuditReason } from '../../domain/audit.js';
import { isOverdue } from '../../domain/cases.js';
import { DEFAULT_REVIEW_INTERVAL_DAYS, intervalDays, nextReviewDue, type PlanStatus } from '../../domain/care-plans.js';
import { Conflict, Invalid, NotFound } from '../../domain/errors.js';
import type { Action, Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { CarePlanModel, type CarePlan } from '../../models/care-plan.js';
import { OrganisationModel } from '../../models/organisation.js';
import { parseId } from '../access.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { isDuplicateKey } from '../create-if-missing.js';
import { caseInScope, unseal, userNames, versionOf, type LeanCase } from '../cases/records.js';

export interface Progress { _id: Types.ObjectId; date: Date; secret: string; language: string; authorId: Types.ObjectId; at: Date }
export interface Intervention { _id: Types.ObjectId; service: string; responsibleUserId?: Types.ObjectId | null; responsibleOrganisationId?: Types.ObjectId | null; dueDate: Date; status: string }
export interface Goal { _id: Types.ObjectId; domain: string; secret?: string | null; defaultText?: boolean | null; language: string; targetDate: Date; status: string; interventions: Intervention[]; progress: Progress[] }
export type LeanPlan = Omit<CarePlan, 'goals'> & { _id: Types.ObjectId; __v?: number; goals: Goal[] };

/** A date typed in a form: `YYYY-MM-DD`, as 00:00 UTC. */
export function dayOf(value: string): Date {
  return new Date(`${value}T00:00:00Z`);
}

export function today(): string {
  return clock.now().toISOString().slice(0, 10);
}

/** A case the caller may act on, and one of its versions (a version of another case is not found). */
export async function planInScope(caller: Caller, caseId: string, planId: string, action: Action): Promise<{ c: LeanCase; plan: LeanPlan }> {
  const c = await caseInScope(caller, caseId, action);
  const _id = parseId(planId);
  const plan = (await CarePlanModel.findOne(trusted({ _id, caseId: c._id })).lean()) as LeanPlan | null;
  if (!plan) throw new NotFound();
  return { c, plan };
}

/** The plan in force of a case (its latest approved version), if any. */
export async function planInForce(caseId: Types.ObjectId): Promise<LeanPlan | null> {
  return (await CarePlanModel.findOne(trusted({ caseId, status: 'approved' })).sort({ version: -1 }).lean()) as LeanPlan | null;
}

/** The version being worked on (draft, submitted or returned), if any. */
export async function openVersion(caseId: Types.ObjectId): Promise<LeanPlan | null> {
  return (await CarePlanModel.findOne(trusted({ caseId, status: { $in: ['draft', 'submitted', 'returned'] } })).lean()) as LeanPlan | null;
}

/** A refused move (DOMAIN.md "States"): audited with its reason, answered 422 with a message; nothing changes. */
export async function refuse(caller: Caller, caseId: string, action: AuditAction, reason: AuditReason, key: string, field = '_form'): Promise<never> {
  await audit(caller, { action, outcome: 'denied', reason, recordType: 'case', recordId: caseId });
  throw new Invalid({ [field]: key });
}

/** Plans of a closed case are read, never changed. */
export async function refuseIfClosed(caller: Caller, c: LeanCase, action: AuditAction): Promise<void> {
  if (c.status === 'closed') await refuse(caller, String(c._id), action, 'transition_refused', 'care-plans:errors.caseClosed');
}

/**
 * Writes a version only if nobody changed it since it was read (its `__v` and status), raising `__v`.
 * False when someone did: the caller reads it again or says so (409).
 */
export async function writePlan(plan: LeanPlan, update: Record<string, unknown>): Promise<boolean> {
  const $inc = { ...((update.$inc as Record<string, number> | undefined) ?? {}), __v: 1 };
  const res = await CarePlanModel.updateOne(trusted({ _id: plan._id, __v: plan.__v ?? 0, status: plan.status }), { ...update, $inc });
  return res.modifiedCount === 1;
}

/** A form names the revision of the version it was read at; a later revision means someone saved meanwhile. */
export function checkRevision(plan: LeanPlan, rev: number | undefined): void {
  if (rev !== undefined && rev !== (plan.__v ?? 0)) throw new Conflict();
}

export function findGoal(plan: LeanPlan, goalId: string): Goal {
  const goal = Types.ObjectId.isValid(goalId) ? plan.goals.find((g) => String(g._id) === goalId) : undefined;
  if (!goal) throw new NotFound();
  return goal;
}

export function findIntervention(goal: Goal, interventionId: string): Intervention {
  const found = Types.ObjectId.isValid(interventionId) ? goal.interventions.find((i) => String(i._id) === interventionId) : undefined;
  if (!found) throw new NotFound();
  return found;
}

/** The organisation's review interval (organisation setting `reviewIntervalDays`). */
export async function reviewInterval(organisationId: Types.ObjectId | string): Promise<number> {
  const org = await OrganisationModel.findOne(trusted({ _id: new Types.ObjectId(String(organisationId)) })).select({ reviewIntervalDays: 1 }).lean();
  return intervalDays(org?.reviewIntervalDays ?? DEFAULT_REVIEW_INTERVAL_DAYS);
}

/** The next review of a plan in force. */
export function reviewDueOf(plan: Pick<LeanPlan, 'approvedAt' | 'lastReviewOn'>, interval: number): Date | undefined {
  return plan.approvedAt ? nextReviewDue(plan.approvedAt, plan.lastReviewOn ?? undefined, interval) : undefined;
}

export interface InterventionView {
  id: string;
  service: string;
  /** A caseworker's name, or a partner organisation's in the reader's language. */
  responsible: string;
  responsibleKind: 'user' | 'organisation';
  responsibleId: string;
  dueDate: Date;
  status: string;
  overdue: boolean;
}

export interface ProgressView { id: string; date: Date; text: string; language: string; author: string }

export interface GoalView {
  id: string;
  domain: string;
  text: string;
  /** Still the default text of its domain (`care-plans:defaultGoal.<domain>`), shown in the reader's language. */
  defaultText: boolean;
  language: string;
  targetDate: Date;
  status: string;
  overdue: boolean;
  interventions: InterventionView[];
  /** Newest first. */
  progress: ProgressView[];
}

export interface PlanView {
  id: string;
  version: number;
  status: PlanStatus;
  rev: number;
  createdAt: Date;
  createdBy: string;
  submittedAt?: Date | undefined;
  submittedBy: string;
  submittedById: string;
  decidedAt?: Date | undefined;
  decidedBy: string;
  decidedById: string;
  approvedAt?: Date | undefined;
  supersededAt?: Date | undefined;
  copiedFromVersion?: number | undefined;
  fromAssessment: boolean;
  returnComment?: { text: string; language: string } | undefined;
  goals: GoalView[];
}

const CLOSED_GOALS = new Set(['achieved', 'not_achieved', 'dropped']);
const CLOSED_INTERVENTIONS = new Set(['done', 'cancelled']);

/** Partner organisations' names in the reader's language, by id. */
export async function organisationNames(ids: readonly unknown[], locale: string): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean).map(String))].map((id) => new Types.ObjectId(id));
  if (unique.length === 0) return new Map();
  const orgs = await OrganisationModel.find(trusted({ _id: { $in: unique } })).select({ name: 1, code: 1 }).lean();
  return new Map(orgs.map((o) => {
    const name = o.name as Record<string, string | undefined> | undefined;
    return [String(o._id), name?.[locale] || name?.en || o.code];
  }));
}

/** Opens the sealed text of versions for a caller already allowed to read the case. */
export async function planViews(plans: readonly LeanPlan[], locale: string): Promise<PlanView[]> {
  const goals = plans.flatMap((p) => p.goals);
  const interventions = goals.flatMap((g) => g.interventions);
  const [names, orgs] = await Promise.all([
    userNames([...plans.flatMap((p) => [p.createdBy, p.submittedBy, p.decidedBy]), ...interventions.map((i) => i.responsibleUserId), ...goals.flatMap((g) => g.progress.map((n) => n.authorId))]),
    organisationNames(interventions.map((i) => i.responsibleOrganisationId), locale),
  ]);
  const now = clock.now();
  return plans.map((p) => ({
    id: String(p._id),
    version: p.version,
    status: p.status as PlanStatus,
    rev: p.__v ?? 0,
    createdAt: (p as { createdAt?: Date }).createdAt ?? now,
    createdBy: names.get(String(p.createdBy)) ?? '',
    submittedAt: p.submittedAt ?? undefined,
    submittedBy: p.submittedBy ? (names.get(String(p.submittedBy)) ?? '') : '',
    submittedById: p.submittedBy ? String(p.submittedBy) : '',
    decidedAt: p.decidedAt ?? undefined,
    decidedBy: p.decidedBy ? (names.get(String(p.decidedBy)) ?? '') : '',
    decidedById: p.decidedBy ? String(p.decidedBy) : '',
    approvedAt: p.approvedAt ?? undefined,
    supersededAt: p.supersededAt ?? undefined,
    copiedFromVersion: p.copiedFromVersion ?? undefined,
    fromAssessment: Boolean(p.assessmentId),
    returnComment: p.returnComment ? { text: unseal<{ text: string }>(p.returnComment, { text: '' }).text, language: p.returnLanguage ?? 'en' } : undefined,
    goals: p.goals.map((g) => ({
      id: String(g._id),
      domain: g.domain,
      text: g.defaultText ? '' : unseal<{ text: string }>(g.secret, { text: '' }).text,
      defaultText: Boolean(g.defaultText),
      language: g.language,
      targetDate: g.targetDate,
      status: g.status,
      overdue: !CLOSED_GOALS.has(g.status) && isOverdue(g.targetDate, now),
      interventions: g.interventions.map((i) => ({
        id: String(i._id),
        service: i.service,
        responsible: i.responsibleUserId ? (names.get(String(i.responsibleUserId)) ?? '') : (orgs.get(String(i.responsibleOrganisationId)) ?? ''),
        responsibleKind: i.responsibleUserId ? ('user' as const) : ('organisation' as const),
        responsibleId: String(i.responsibleUserId ?? i.responsibleOrganisationId ?? ''),
        dueDate: i.dueDate,
        status: i.status,
        overdue: !CLOSED_INTERVENTIONS.has(i.status) && isOverdue(i.dueDate, now),
      })),
      progress: [...g.progress]
        .sort((a, b) => b.date.getTime() - a.date.getTime() || b.at.getTime() - a.at.getTime())
        .map((n) => ({ id: String(n._id), date: n.date, text: unseal<{ text: string }>(n.secret, { text: '' }).text, language: n.language, author: names.get(String(n.authorId)) ?? '' })),
    })),
  }));
}

/** The case's header for the plan pages: its number and status, and its version for the activation check. */
export function caseHeader(c: LeanCase) {
  return { id: String(c._id), caseNumber: c.caseNumber, status: c.status, version: versionOf(c) };
}

/** A new version, numbered after the last one; two started at once meet the unique (case, version) index. */
export async function createVersion(caller: Caller, c: LeanCase, fields: { goals: unknown[]; copiedFromVersion?: number | undefined; assessmentId?: Types.ObjectId | undefined }): Promise<string> {
  const latest = await CarePlanModel.findOne(trusted({ caseId: c._id })).sort({ version: -1 }).select({ version: 1 }).lean();
  try {
    const [made] = await CarePlanModel.create([
      {
        caseId: c._id,
        organisationId: c.organisationId,
        version: (latest?.version ?? 0) + 1,
        status: 'draft',
        goals: fields.goals,
        createdBy: new Types.ObjectId(caller.userId),
        copiedFromVersion: fields.copiedFromVersion,
        assessmentId: fields.assessmentId,
      },
    ] as Parameters<typeof CarePlanModel.create>[0][]);
    return String(made!._id);
  } catch (err) {
    if (isDuplicateKey(err)) throw new Invalid({ _form: 'care-plans:errors.versionOpen' });
    throw err;
  }
}

/** The goals of the plan in force, as the start of a new version (text, interventions and progress included). */
export function copyGoals(goals: readonly Goal[]): Goal[] {
  return goals.map((g) => ({ ...g, interventions: g.interventions.map((i) => ({ ...i })), progress: g.progress.map((p) => ({ ...p })) }));
}

