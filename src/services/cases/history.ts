/**
 * The history of a case: every recorded change, note and task, in the order they were entered (the
 * moment Haven stored them, not the date a user typed on the form), with who did it.
 *
 * The history page (supervisors: `case.history`) also shows the earlier and the new values of each
 * change. Earlier values are sealed in the change entry. New values are worked out by walking the
 * changes back from the case as it is now: each change's new value of a field is what the next later
 * change of that field found before it, or the current value. Family changes, whose member cannot be
 * told apart that way, carry their new values sealed in the entry. Values are handed to the page as
 * items (plain text, a translation key for codes, or a date) so the page shows them in the reader's
 * language and calendar. Reading the history is audited like any view of the case.
 */
import type { Types } from 'mongoose';
import type { Caller } from '../../domain/permissions.js';
import { CaseChangeModel } from '../../models/case-change.js';
import { CaseNoteModel } from '../../models/case-note.js';
import { CaseTaskModel } from '../../models/case-task.js';
import { audit } from '../audit/audit.js';
import { legacyFamilyAssessment } from '../care/assessment-adopt.js';
import { caseInScope, detailsOf, unseal, userNames, type LeanCase } from './records.js';
import { organisationTimeZone } from '../admin/organisations.js';
import { trusted } from '../auth/trusted.js';

export interface HistoryItem {
  /** The translation key of the part's label (a family member's fields). */
  labelKey?: string;
  /** A translation key for a code, plain text, or a calendar date (`YYYY-MM-DD`) shown in the reader's calendar. */
  key?: string;
  text?: string;
  date?: string;
}

export interface HistoryValue {
  /** The translation key of the field's label. */
  labelKey: string;
  items: HistoryItem[];
}

/** Fields whose values are codes of a lookup (or of the case's status). */
const CODE_LISTS: Record<string, string> = {
  riskLevel: 'lookups:riskLevel',
  exploitationTypes: 'lookups:exploitationType',
  identifiedBy: 'lookups:identifiedBy',
  source: 'lookups:intakeSource',
  sex: 'lookups:sex',
  disability: 'lookups:disability',
  placement: 'lookups:placement',
  relationship: 'lookups:relationship',
  exploitationRole: 'lookups:exploitationRole',
  rating: 'lookups:familyAssessment',
  status: 'cases:status',
  noteType: 'lookups:noteType',
};

/** Fields whose values are calendar dates. */
const DATE_FIELDS = new Set(['intakeDate', 'dateOfBirth', 'date', 'dueDate']);

/** The label of a field of the history: the details form's, or the section's own. */
const LABELS: Record<string, string> = {
  noteType: 'cases:notes.type',
  date: 'cases:notes.date',
  title: 'cases:tasks.title',
  dueDate: 'cases:tasks.dueDate',
  closeReason: 'cases:show.closeReason',
  reopenReason: 'cases:show.reopenReason',
};

/** The parts of a section's value the history shows, in the form's order, with their labels. */
const PARTS: Record<string, { labels: string; fields: readonly string[] }> = {
  family: { labels: 'cases:family', fields: ['relationship', 'givenName', 'familyName', 'localName', 'age', 'livesWithChild', 'guardian', 'exploitationRole', 'contact', 'protectiveFactors'] },
  familyAssessment: { labels: 'cases:assessment', fields: ['rating', 'text'] },
};

function items(field: string, value: unknown, names: Map<string, string>, labelKey?: string): HistoryItem[] {
  if (value === undefined || value === null || value === '') return [];
  if (field === 'caseworkerIds' || field === 'supervisorId') {
    const ids = Array.isArray(value) ? value : [value];
    const text = ids.map((id) => names.get(String(id)) ?? '').filter(Boolean).join(', ');
    return text ? [{ labelKey, text }] : [];
  }
  if (field === 'closeReason') return [{ labelKey, key: `lookups:closureReason.${String(value)}` }];
  if (field === 'reopenReason') return [{ labelKey, key: `lookups:reopenReason.${String(value)}` }];
  if (typeof value === 'boolean') return [{ labelKey, key: value ? 'cases:yes' : 'cases:no' }];
  if (Array.isArray(value)) return value.flatMap((v) => items(field, v, names, labelKey));
  if (value instanceof Date) return [{ labelKey, date: value.toISOString().slice(0, 10) }];
  if (typeof value === 'object') {
    const parts = PARTS[field];
    if (!parts) return [];
    const record = value as Record<string, unknown>;
    return parts.fields.filter((k) => k in record).flatMap((k) => items(k, record[k], names, `${parts.labels}.${k}`));
  }
  const list = CODE_LISTS[field];
  if (list) return [{ labelKey, key: `${list}.${String(value)}` }];
  if (DATE_FIELDS.has(field) && /^\d{4}-\d{2}-\d{2}$/.test(String(value))) return [{ labelKey, date: String(value) }];
  return [{ labelKey, text: String(value) }];
}

function valuesOf(record: Record<string, unknown> | undefined, names: Map<string, string>): HistoryValue[] {
  if (!record) return [];
  return Object.entries(record)
    .map(([field, value]) => ({ labelKey: LABELS[field] ?? `cases:fields.${field}`, items: items(field, value, names) }))
    .filter((v) => v.items.length > 0);
}

/** One line of the history, before its values are opened. */
interface Entry {
  at: Date;
  kind: string;
  userId: unknown;
  fields: string[];
  version: number;
  previous?: string | null | undefined;
  next?: string | null | undefined;
  /** Values of notes and tasks, which are their own records rather than changes of the case. */
  values?: Record<string, unknown>;
  noteType?: string;
}

/**
 * The latest entries of a case, newest entered first: its changes, its notes, and its tasks (added,
 * and done). Each list is read through the case's index on its collection, at most `limit` of each.
 */
async function entriesOf(caseId: Types.ObjectId, limit: number, opened: boolean): Promise<Entry[]> {
  const [changes, notes, tasks] = await Promise.all([
    CaseChangeModel.find(trusted({ caseId }))
      .sort({ at: -1 })
      .limit(limit)
      .select(opened ? { at: 1, kind: 1, userId: 1, fields: 1, version: 1, previous: 1, next: 1 } : { at: 1, kind: 1, userId: 1, version: 1 })
      .lean(),
    CaseNoteModel.find(trusted({ caseId })).sort({ createdAt: -1 }).limit(limit).select({ type: 1, date: 1, authorId: 1, createdAt: 1 }).lean(),
    CaseTaskModel.find(trusted({ caseId }))
      .sort({ createdAt: -1 })
      .limit(limit)
      .select(opened ? { secret: 1, dueDate: 1, createdBy: 1, createdAt: 1, doneAt: 1, doneBy: 1 } : { createdBy: 1, createdAt: 1, doneAt: 1, doneBy: 1 })
      .lean(),
  ]);
  const entries: Entry[] = changes.map((r) => ({
    at: r.at,
    kind: r.kind,
    userId: r.userId,
    fields: r.fields ?? [],
    version: r.version,
    previous: r.previous,
    next: (r as { next?: string | null }).next,
  }));
  for (const n of notes) {
    entries.push({ at: n.createdAt, kind: 'note', noteType: n.type, userId: n.authorId, fields: [], version: -1, values: { noteType: n.type, date: n.date } });
  }
  for (const t of tasks) {
    const title = opened ? unseal<{ title: string }>((t as { secret?: string }).secret, { title: '' }).title : '';
    const due = (t as { dueDate?: Date }).dueDate;
    entries.push({ at: t.createdAt, kind: 'task_add', userId: t.createdBy, fields: [], version: -1, values: { title, dueDate: due } });
    if (t.doneAt) entries.push({ at: t.doneAt, kind: 'task_done', userId: t.doneBy, fields: [], version: -1, values: { title } });
  }
  // Newest first; of two changes stored in the same millisecond, the later version first.
  return entries.sort((a, b) => b.at.getTime() - a.at.getTime() || b.version - a.version).slice(0, limit);
}

export interface ActivityEntry {
  at: Date;
  kind: string;
  by: string;
  noteType?: string | undefined;
}

/** The case page's timeline: what was done to the case and by whom, without any values. */
export async function caseActivity(caseId: Types.ObjectId, limit = 100): Promise<ActivityEntry[]> {
  const entries = await entriesOf(caseId, limit, false);
  const names = await userNames(entries.map((e) => e.userId));
  return entries.map((e) => ({ at: e.at, kind: e.kind, by: names.get(String(e.userId)) ?? '', noteType: e.noteType }));
}

/** The values of the case now, from which each change's new values are worked out. */
function currentState(c: LeanCase): Record<string, unknown> {
  // Cases not yet through `assessments:adopt-family` still hold their old family rating.
  const a = legacyFamilyAssessment(c);
  return {
    ...detailsOf(c),
    caseworkerIds: c.caseworkerIds.map(String),
    supervisorId: c.supervisorId ? String(c.supervisorId) : '',
    status: c.status,
    familyAssessment: { rating: a.rating, text: a.text },
  };
}

/**
 * Walks the changes from the newest: the new values of a change are the state after it; the state
 * before it is the state after with its earlier values put back.
 */
function newValues(entry: Entry, previous: Record<string, unknown>, state: Record<string, unknown>): Record<string, unknown> | undefined {
  if (entry.kind === 'close' || entry.kind === 'reopen') {
    const after = { status: state.status, [entry.kind === 'close' ? 'closeReason' : 'reopenReason']: previous.reason };
    state.status = previous.status;
    return after;
  }
  if (entry.kind === 'assessment') {
    const after = { familyAssessment: state.familyAssessment };
    state.familyAssessment = (previous.familyAssessment as Record<string, unknown> | undefined) ?? { rating: '', text: '' };
    return after;
  }
  // Details and assignment: every field the change touched has its earlier value recorded.
  const touched = entry.kind === 'assign' ? ['caseworkerIds', 'supervisorId'] : entry.kind === 'update' ? Object.keys(previous) : [];
  if (touched.length === 0) return undefined;
  const after: Record<string, unknown> = {};
  for (const field of touched) {
    after[field] = state[field];
    state[field] = previous[field];
  }
  return after;
}


export async function caseHistory(caller: Caller, id: string) {
  const c = await caseInScope(caller, id, 'case.history');
  const [entries, timeZone] = await Promise.all([entriesOf(c._id, 500, true), organisationTimeZone(c.organisationId)]);
  const state = currentState(c);
  const opened = entries.map((e) => {
    const previous = unseal<Record<string, unknown>>(e.previous, {});
    const recorded = unseal<Record<string, unknown> | undefined>(e.next, undefined);
    // Every entry is walked, newest first, so the state stays right for the older ones.
    const worked = e.values ? undefined : newValues(e, previous, state);
    return { entry: e, previous, next: e.values ?? recorded ?? worked };
  });
  const people = opened.flatMap(({ previous, next }) => [previous.caseworkerIds, previous.supervisorId, next?.caseworkerIds, next?.supervisorId].flat().filter(Boolean));
  const names = await userNames([...entries.map((e) => e.userId), ...people]);
  await audit(caller, { action: 'case_history_view', outcome: 'success', recordType: 'case', recordId: id });
  return {
    id,
    caseNumber: c.caseNumber,
    timeZone,
    changes: opened.map(({ entry, previous, next }) => ({
      at: entry.at,
      by: names.get(String(entry.userId)) ?? '',
      kind: entry.kind,
      fields: entry.fields,
      previous: valuesOf(Object.fromEntries(Object.entries(previous).filter(([field]) => field !== 'reason')), names),
      next: valuesOf(next, names),
    })),
  };
}
