/**
 * Case notes, follow-up visits and tasks (DOMAIN.md). They grow without bound, so each is a document
 * of its own collection, tied to the case and its organisation. Text is sealed with its language (D1).
 */
import { Types } from 'mongoose';
import { isIsoDate, isOverdue } from '../../domain/cases.js';
import { Invalid, NotFound } from '../../domain/errors.js';
import type { LookupCode } from '../../domain/lookups.js';
import type { Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { CaseNoteModel } from '../../models/case-note.js';
import { CaseTaskModel } from '../../models/case-task.js';
import { audit } from '../audit/audit.js';
import { caseInScope, seal, unseal, userNames } from './records.js';
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
}

export async function addTask(caller: Caller, caseId: string, input: TaskInput): Promise<void> {
  if (!isIsoDate(input.dueDate)) throw new Invalid({ dueDate: 'cases:errors.date' });
  const due = new Date(`${input.dueDate}T00:00:00Z`);
  const c = await caseInScope(caller, caseId, 'case.update');
  // Entered now, on the same clock as the case's history, which sorts by it.
  await CaseTaskModel.create({ caseId: c._id, organisationId: c.organisationId, secret: seal({ title: input.title }), dueDate: due, createdBy: new Types.ObjectId(caller.userId), createdAt: clock.now() });
  await audit(caller, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: caseId });
}

/** The task's id, checked to belong to the case the caller may work on (C2: else 404). */
function taskFilter(c: { _id: Types.ObjectId }, taskId: string) {
  if (!Types.ObjectId.isValid(taskId)) throw new NotFound();
  return { _id: new Types.ObjectId(taskId), caseId: c._id };
}

/** One task of a case, for the page that confirms marking it done (or undoing that): audited as a view. */
export async function taskForConfirmation(caller: Caller, caseId: string, taskId: string) {
  const c = await caseInScope(caller, caseId, 'case.update');
  const task = await CaseTaskModel.findOne(trusted(taskFilter(c, taskId))).select({ secret: 1, dueDate: 1, doneAt: 1, doneBy: 1 }).lean();
  if (!task) throw new NotFound();
  const names = task.doneBy ? await userNames([task.doneBy]) : new Map<string, string>();
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
      overdue: !task.doneAt && isOverdue(task.dueDate, clock.now()),
    },
  };
}

export async function completeTask(caller: Caller, caseId: string, taskId: string): Promise<void> {
  const c = await caseInScope(caller, caseId, 'case.update');
  // The case filter was checked above; the task must belong to that case, and is done only once.
  const res = await CaseTaskModel.updateOne(trusted({ ...taskFilter(c, taskId), doneAt: { $exists: false } }), { $set: { doneAt: clock.now(), doneBy: new Types.ObjectId(caller.userId) } });
  if (res.matchedCount !== 1) throw new NotFound();
  await audit(caller, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: caseId });
}

/** Undoes "done": the task is open again, as if it had never been marked (a mistake is one click to fix). */
export async function reopenTask(caller: Caller, caseId: string, taskId: string): Promise<void> {
  const c = await caseInScope(caller, caseId, 'case.update');
  const res = await CaseTaskModel.updateOne(trusted({ ...taskFilter(c, taskId), doneAt: { $exists: true } }), { $unset: { doneAt: 1, doneBy: 1 } });
  if (res.matchedCount !== 1) {
    if (await CaseTaskModel.exists(trusted(taskFilter(c, taskId)))) throw new Invalid({ _form: 'cases:errors.taskNotDone' });
    throw new NotFound();
  }
  await audit(caller, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: caseId });
}

export interface TaskRow {
  id: string;
  title: string;
  dueDate: Date;
  done: boolean;
  overdue: boolean;
}

export async function tasksOf(caseId: Types.ObjectId): Promise<TaskRow[]> {
  const rows = await CaseTaskModel.find({ caseId }).sort({ dueDate: 1 }).limit(200).select({ secret: 1, dueDate: 1, doneAt: 1 }).lean();
  const now = clock.now();
  return rows
    .map((r) => ({
      id: String(r._id),
      title: unseal<{ title: string }>(r.secret, { title: '' }).title,
      dueDate: r.dueDate,
      done: Boolean(r.doneAt),
      overdue: !r.doneAt && isOverdue(r.dueDate, now),
    }))
    .sort((a, b) => Number(a.done) - Number(b.done));
}
