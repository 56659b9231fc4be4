/**
 * Case notes, follow-up visits and tasks (DOMAIN.md). They grow without bound, so each is a document
 * of its own collection, tied to the case and its organisation. Text is sealed with its language (D1).
 * A task belongs to one of the case's people (domain/tasks.ts); its due date is part of the case's
 * reporting facts, so every task write is one transaction with the facts' refresh.
 */
import { Types } from 'mongoose';
import { isIsoDate, isOverdue } from '../../domain/cases.js';
import { Invalid, NotFound } from '../../domain/errors.js';
import type { LookupCode } from '../../domain/lookups.js';
import type { Caller } from '../../domain/permissions.js';
import { defaultAssignee, effectiveAssignee, eligibleAssignees, taskMove, taskState, type CasePeople, type TaskAction } from '../../domain/tasks.js';
import { clock } from '../../lib/clock.js';
import { inTransaction } from '../../lib/db/index.js';
import { CaseNoteModel } from '../../models/case-note.js';
import { CaseTaskModel } from '../../models/case-task.js';
import { UserModel } from '../../models/user.js';
import { audit } from '../audit/audit.js';
import { refreshCaseFacts } from '../facts/facts.js';
import { forgetReminders } from '../home/reminder-cache.js';
import { caseInScope, seal, unseal, userNames, type LeanCase } from './records.js';
import { trusted } from '../auth/trusted.js';

export interface NoteInput {
  type: LookupCode<'noteType'>;
  date: string;
  language: string;
  text: string;
}

function pastDate(value: string, field: string): Date {
  const today = clock.now().toISOString().slice(0, 10);
  if (!isIsoDate(value) || value > today) throw new Invalid({ [field]: 'cases:errors.date' });
  return new Date(`${value}T00:00:00Z`);
}

export async function addNote(caller: Caller, caseId: string, input: NoteInput): Promise<void> {
  const date = pastDate(input.date, 'date');
  const c = await caseInScope(caller, caseId, 'case.update');
  await CaseNoteModel.create({
    caseId: c._id,
    organisationId: c.organisationId,
    type: input.type,
    date,
    language: input.language,
    secret: seal({ text: input.text }),
    authorId: new Types.ObjectId(caller.userId),
    // When it was entered, on the same clock as the case's history, which sorts by it.
    createdAt: clock.now(),
  });
  await audit(caller, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: caseId });
}

export interface NoteRow {
  id: string;
  type: string;
  date: Date;
  language: string;
  text: string;
  author: string;
}

/** The latest notes of a case the caller has already been allowed to read. */
export async function notesOf(caseId: Types.ObjectId, limit = 50): Promise<NoteRow[]> {
  const rows = await CaseNoteModel.find({ caseId }).sort({ date: -1, _id: -1 }).limit(limit).select({ type: 1, date: 1, language: 1, secret: 1, authorId: 1 }).lean();
  const names = await userNames(rows.map((r) => r.authorId));
  return rows.map((r) => ({
    id: String(r._id),
    type: r.type,
    date: r.date,
    language: r.language,
    text: unseal<{ text: string }>(r.secret, { text: '' }).text,
    author: names.get(String(r.authorId)) ?? '',
  }));
}

export interface TaskInput {
  title: string;
  dueDate: string;
  /** One of the case's caseworkers or its supervisor; empty or left out: the case's default (its first caseworker). */
  assigneeId?: string | undefined;
}

/** The case's people as the task rules see them. */
export function peopleOf(c: Pick<LeanCase, 'caseworkerIds' | 'supervisorId'>): CasePeople {
  return { caseworkerIds: c.caseworkerIds.map(String), supervisorId: c.supervisorId ? String(c.supervisorId) : undefined };
}

/**
 * The assignee a form chose, checked (SECURITY.md C5): one of the case's people who is still an active
 * caseworker or supervisor of the case's organisation. Anyone else is refused, audited, and nothing is
 * written. Nothing chosen: the case's default, which may be nobody (a case with no caseworker or supervisor).
 */
async function checkedAssignee(caller: Caller, c: LeanCase, chosen: string | undefined): Promise<Types.ObjectId | undefined> {
  const people = peopleOf(c);
  if (!chosen) {
    const fallback = defaultAssignee(people);
    return fallback ? new Types.ObjectId(fallback) : undefined;
  }
  const ok =
    Types.ObjectId.isValid(chosen) &&
    eligibleAssignees(people).includes(chosen) &&
    Boolean(await UserModel.exists(trusted({ _id: new Types.ObjectId(chosen), organisationId: c.organisationId, roles: { $in: ['caseworker', 'supervisor'] }, status: 'active' })));
  if (!ok) {
    await audit(caller, { action: 'task_assign', outcome: 'denied', reason: 'field_not_allowed', recordType: 'case', recordId: String(c._id) });
    throw new Invalid({ assigneeId: 'home:taskAssign.errors.notOnCase' });
  }
  return new Types.ObjectId(chosen);
}

export async function addTask(caller: Caller, caseId: string, input: TaskInput): Promise<void> {
  if (!isIsoDate(input.dueDate)) throw new Invalid({ dueDate: 'cases:errors.date' });
  const due = new Date(`${input.dueDate}T00:00:00Z`);
  const c = await caseInScope(caller, caseId, 'case.update');
  const assigneeId = await checkedAssignee(caller, c, input.assigneeId);
  await inTransaction(async () => {
    // Entered now, on the same clock as the case's history, which sorts by it.
    await CaseTaskModel.create([{ caseId: c._id, organisationId: c.organisationId, secret: seal({ title: input.title }), dueDate: due, assigneeId, createdBy: new Types.ObjectId(caller.userId), createdAt: clock.now() }]);
    await refreshCaseFacts(c._id);
  });
  forgetReminders([caller.userId, assigneeId]);
  await audit(caller, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: caseId });
}

/** The task's id, checked to belong to the case the caller may work on (C2: else 404). */
function taskFilter(c: { _id: Types.ObjectId }, taskId: string) {
  if (!Types.ObjectId.isValid(taskId)) throw new NotFound();
  return { _id: new Types.ObjectId(taskId), caseId: c._id };
}

export interface AssigneeOption {
  id: string;
  name: string;
  /** How the person is on the case. */
  role: 'caseworker' | 'supervisor';
  selected: boolean;
}

/** The people a task of the case may go to, in the order the rules give them, the chosen one selected. */
export function assigneeOptions(people: CasePeople, names: ReadonlyMap<string, string>, chosen: string | undefined): AssigneeOption[] {
  return eligibleAssignees(people)
    .filter((id) => names.has(id))
    .map((id) => ({ id, name: names.get(id)!, role: people.caseworkerIds.includes(id) ? ('caseworker' as const) : ('supervisor' as const), selected: id === chosen }));
}

/** What the task form of a case needs when it is shown on a page of its own (a refused new task): audited as a view. */
export async function taskFormFor(caller: Caller, caseId: string, chosen?: string) {
  const c = await caseInScope(caller, caseId, 'case.update');
  const people = peopleOf(c);
  const names = await userNames(eligibleAssignees(people));
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return { c: { id: caseId, caseNumber: c.caseNumber }, assignees: assigneeOptions(people, names, chosen || defaultAssignee(people)) };
}

/** One task of a case, for the page that confirms marking it done (or undoing that): audited as a view. */
export async function taskForConfirmation(caller: Caller, caseId: string, taskId: string) {
  const c = await caseInScope(caller, caseId, 'case.update');
  const task = await CaseTaskModel.findOne(trusted(taskFilter(c, taskId))).select({ secret: 1, dueDate: 1, doneAt: 1, doneBy: 1, assigneeId: 1 }).lean();
  if (!task) throw new NotFound();
  const assignee = effectiveAssignee(task.assigneeId ? String(task.assigneeId) : undefined, peopleOf(c));
  const names = await userNames([task.doneBy, assignee]);
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return {
    caseId,
    caseNumber: c.caseNumber,
    task: {
      id: taskId,
      title: unseal<{ title: string }>(task.secret, { title: '' }).title,
      dueDate: task.dueDate,
      done: Boolean(task.doneAt),
      doneAt: task.doneAt ?? undefined,
      doneBy: task.doneBy ? (names.get(String(task.doneBy)) ?? '') : '',
      assignee: assignee ? (names.get(assignee) ?? '') : '',
      overdue: !task.doneAt && isOverdue(task.dueDate, clock.now()),
    },
  };
}

/** The page that gives a task to someone else: the task, and the case's people to choose from. Audited as a view. */
export async function taskForAssignment(caller: Caller, caseId: string, taskId: string) {
  const c = await caseInScope(caller, caseId, 'case.update');
  const task = await CaseTaskModel.findOne(trusted(taskFilter(c, taskId))).select({ secret: 1, dueDate: 1, doneAt: 1, assigneeId: 1 }).lean();
  if (!task) throw new NotFound();
  const people = peopleOf(c);
  const current = effectiveAssignee(task.assigneeId ? String(task.assigneeId) : undefined, people);
  const names = await userNames(eligibleAssignees(people));
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return {
    caseId,
    caseNumber: c.caseNumber,
    task: {
      id: taskId,
      title: unseal<{ title: string }>(task.secret, { title: '' }).title,
      dueDate: task.dueDate,
      done: Boolean(task.doneAt),
      overdue: !task.doneAt && isOverdue(task.dueDate, clock.now()),
      assignee: current ? (names.get(current) ?? '') : '',
    },
    assignees: assigneeOptions(people, names, current),
  };
}

/** A move the task machine refuses: 422, nothing changed, audited (`transition_refused`). */
async function refuse(caller: Caller, caseId: string, action: TaskAction, key: string): Promise<never> {
  await audit(caller, { action: action === 'assign' ? 'task_assign' : 'case_update', outcome: 'denied', reason: 'transition_refused', recordType: 'case', recordId: caseId });
  throw new Invalid({ _form: key });
}

/** The task's state, or 404 when the case (already checked to be the caller's) has no such task. */
async function stateOf(c: LeanCase, taskId: string) {
  const task = await CaseTaskModel.findOne(trusted(taskFilter(c, taskId))).select({ doneAt: 1, assigneeId: 1 }).lean();
  if (!task) throw new NotFound();
  return { state: taskState(task), assigneeId: task.assigneeId ? String(task.assigneeId) : undefined };
}

/**
 * Writes one move of a task with the case's facts, in one transaction; `from` is the state the update
 * must still find (a concurrent move makes it match nothing, and nothing is written).
 */
async function moveTask(c: LeanCase, taskId: string, from: 'open' | 'done', update: Record<string, unknown>): Promise<boolean> {
  return inTransaction(async () => {
    const res = await CaseTaskModel.updateOne(trusted({ ...taskFilter(c, taskId), doneAt: { $exists: from === 'done' } }), update);
    if (res.matchedCount !== 1) return false;
    await refreshCaseFacts(c._id);
    return true;
  });
}

export async function completeTask(caller: Caller, caseId: string, taskId: string): Promise<void> {
  const c = await caseInScope(caller, caseId, 'case.update');
  // The case filter was checked above; the task must belong to that case, and is done only once (a
  // second "done", as from a form sent twice, finds no open task: 404 as before).
  const { assigneeId } = await stateOf(c, taskId);
  if (!(await moveTask(c, taskId, 'open', { $set: { doneAt: clock.now(), doneBy: new Types.ObjectId(caller.userId) } }))) throw new NotFound();
  forgetReminders([caller.userId, effectiveAssignee(assigneeId, peopleOf(c))]);
  await audit(caller, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: caseId });
}

/** Undoes "done": the task is open again, as if it had never been marked (a mistake is one click to fix). */
export async function reopenTask(caller: Caller, caseId: string, taskId: string): Promise<void> {
  const c = await caseInScope(caller, caseId, 'case.update');
  const { state, assigneeId } = await stateOf(c, taskId);
  if (!taskMove(state, 'reopen') || !(await moveTask(c, taskId, 'done', { $unset: { doneAt: 1, doneBy: 1 } }))) {
    await refuse(caller, caseId, 'reopen', 'cases:errors.taskNotDone');
  }
  forgetReminders([caller.userId, effectiveAssignee(assigneeId, peopleOf(c))]);
  await audit(caller, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: caseId });
}

/**
 * Gives an open task to one of the case's people (audited `task_assign`). A done task keeps whom it
 * was for: refused (422, `transition_refused`); someone who is not on the case: refused (422, C5).
 */
export async function assignTask(caller: Caller, caseId: string, taskId: string, assigneeId: string): Promise<void> {
  const c = await caseInScope(caller, caseId, 'case.update');
  const before = await stateOf(c, taskId);
  if (!taskMove(before.state, 'assign')) await refuse(caller, caseId, 'assign', 'home:taskAssign.errors.done');
  if (!assigneeId) throw new Invalid({ assigneeId: 'common:form.required' });
  const chosen = (await checkedAssignee(caller, c, assigneeId))!;
  if (!(await moveTask(c, taskId, 'open', { $set: { assigneeId: chosen } }))) await refuse(caller, caseId, 'assign', 'home:taskAssign.errors.done');
  forgetReminders([caller.userId, effectiveAssignee(before.assigneeId, peopleOf(c)), String(chosen)]);
  await audit(caller, { action: 'task_assign', outcome: 'success', recordType: 'case', recordId: caseId });
}

/**
 * After a case's caseworkers or supervisor change (inside that transaction): the open tasks of someone
 * no longer on the case lose their assignee, so they fall to the case's first caseworker instead of
 * to nobody who can see them.
 */
export async function releaseTasksOfRemoved(caseId: Types.ObjectId, people: { caseworkerIds: readonly Types.ObjectId[]; supervisorId?: Types.ObjectId | null | undefined }): Promise<void> {
  const kept = [...people.caseworkerIds, ...(people.supervisorId ? [people.supervisorId] : [])];
  const released = await CaseTaskModel.find(trusted({ caseId, doneAt: { $exists: false }, assigneeId: { $exists: true, $nin: kept } })).select({ assigneeId: 1 }).lean();
  if (released.length === 0) return;
  await CaseTaskModel.updateMany(trusted({ _id: { $in: released.map((t) => t._id) } }), { $unset: { assigneeId: 1 } });
  forgetReminders([...released.map((t) => String(t.assigneeId)), ...people.caseworkerIds.slice(0, 1).map(String)]);
}

export interface TaskRow {
  id: string;
  title: string;
  dueDate: Date;
  done: boolean;
  overdue: boolean;
  /** Whose task it is (domain/tasks.ts `effectiveAssignee`), by name; empty for nobody. */
  assignee: string;
}

/**
 * The tasks of a case the caller has already been allowed to read, open ones first by due date. The
 * case's people say whose a task without an assignee is (its first caseworker).
 */
export async function tasksOf(caseId: Types.ObjectId, people: CasePeople = { caseworkerIds: [] }): Promise<TaskRow[]> {
  const rows = await CaseTaskModel.find({ caseId }).sort({ dueDate: 1 }).limit(200).select({ secret: 1, dueDate: 1, doneAt: 1, assigneeId: 1 }).lean();
  const now = clock.now();
  const owners = rows.map((r) => effectiveAssignee(r.assigneeId ? String(r.assigneeId) : undefined, people));
  const names = await userNames(owners);
  return rows
    .map((r, i) => ({
      id: String(r._id),
      title: unseal<{ title: string }>(r.secret, { title: '' }).title,
      dueDate: r.dueDate,
      done: Boolean(r.doneAt),
      overdue: !r.doneAt && isOverdue(r.dueDate, now),
      assignee: owners[i] ? (names.get(owners[i]) ?? '') : '',
    }))
    .sort((a, b) => Number(a.done) - Number(b.done));
}
