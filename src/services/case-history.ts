/**
 * The change history of a case (issue 4, item 9): who changed which fields and when, with the earlier
 * values opened for supervisors. Reading it is audited like any view of the case.
 */
import type { Caller } from '../domain/permissions.js';
import { CaseChangeModel } from '../models/case-change.js';
import { audit } from './audit.js';
import { caseInScope, unseal, userNames } from './case-records.js';

export async function caseHistory(caller: Caller, id: string) {
  const c = await caseInScope(caller, id, 'case.history');
  const rows = await CaseChangeModel.find({ caseId: c._id }).sort({ at: -1 }).limit(500).lean();
  const names = await userNames(rows.map((r) => r.userId));
  await audit(caller, { action: 'case_history_view', outcome: 'success', recordType: 'case', recordId: id });
  return {
    id,
    caseNumber: c.caseNumber,
    changes: rows.map((r) => {
      const previous = unseal<Record<string, unknown>>(r.previous, {});
      return {
        at: r.at,
        by: names.get(String(r.userId)) ?? '',
        kind: r.kind,
        version: r.version,
        fields: r.fields,
        previous: Object.entries(previous).map(([field, value]) => ({ field, value: showValue(value) })),
      };
    }),
  };
}

/** Earlier values as text: lists joined, objects (a family member) as their filled-in parts. */
function showValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(showValue).join(', ');
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== '' && v !== undefined && v !== null && v !== false)
      .map(([k, v]) => `${k}: ${showValue(v)}`)
      .join('; ');
  }
  return value === undefined || value === null ? '' : String(value);
}
