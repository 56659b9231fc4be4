/**
 * The change history of a case (issue 4, item 9): who changed which fields and when, with the earlier
 * values opened for supervisors. Reading it is audited like any view of the case. Earlier values are
 * handed to the page as items: plain text, or a translation key for codes, so the page shows them in
 * the reader's language.
 */
import type { Caller } from '../domain/permissions.js';
import { CaseChangeModel } from '../models/case-change.js';
import { audit } from './audit.js';
import { caseInScope, unseal, userNames } from './case-records.js';

export interface HistoryItem {
  /** The translation key of the part's label (a family member's fields). */
  labelKey?: string;
  /** A translation key for a code, or plain text. */
  key?: string;
  text?: string;
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
};

function items(field: string, value: unknown, names: Map<string, string>, labelKey?: string): HistoryItem[] {
  if (value === undefined || value === null || value === '') return [];
  if (field === 'caseworkerIds' || field === 'supervisorId') {
    const ids = Array.isArray(value) ? value : [value];
    return [{ labelKey, text: ids.map((id) => names.get(String(id)) ?? '').filter(Boolean).join(', ') }];
  }
  if (typeof value === 'boolean') return [{ labelKey, key: value ? 'cases:yes' : 'cases:no' }];
  if (Array.isArray(value)) return value.flatMap((v) => items(field, v, names, labelKey));
  if (typeof value === 'object') {
    const labels = field === 'familyAssessment' ? 'cases:assessment' : 'cases:family';
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => items(k, v, names, `${labels}.${k}`));
  }
  const list = CODE_LISTS[field];
  return [list ? { labelKey, key: `${list}.${String(value)}` } : { labelKey, text: String(value) }];
}

export async function caseHistory(caller: Caller, id: string) {
  const c = await caseInScope(caller, id, 'case.history');
  const rows = await CaseChangeModel.find({ caseId: c._id }).sort({ at: -1 }).limit(500).lean();
  const opened = rows.map((r) => unseal<Record<string, unknown>>(r.previous, {}));
  const people = opened.flatMap((p) => [p.caseworkerIds, p.supervisorId].flat().filter(Boolean));
  const names = await userNames([...rows.map((r) => r.userId), ...people]);
  await audit(caller, { action: 'case_history_view', outcome: 'success', recordType: 'case', recordId: id });
  return {
    id,
    caseNumber: c.caseNumber,
    changes: rows.map((r, i) => ({
      at: r.at,
      by: names.get(String(r.userId)) ?? '',
      kind: r.kind,
      version: r.version,
      fields: r.fields,
      previous: Object.entries(opened[i]!)
        .filter(([field]) => field !== 'reason')
        .map(([field, value]) => ({ field, items: items(field, value, names) })),
    })),
  };
}
