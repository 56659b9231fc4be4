/**
 * The report cells as a test compares them: `slice kind month` to the month's counts and each day's,
 * counts of zero left out (a case counted and taken away again leaves a zero, which a report skips).
 */
import type { Document } from 'mongodb';

export function storedCells(docs: readonly Document[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const c of docs) {
    const counts: Record<string, number> = {};
    for (const [k, n] of Object.entries((c.m ?? {}) as Record<string, number>)) if (n !== 0) counts[`m ${k}`] = n;
    for (const [day, each] of Object.entries((c.d ?? {}) as Record<string, Record<string, number>>)) for (const [k, n] of Object.entries(each)) if (n !== 0) counts[`d${day} ${k}`] = n;
    if (Object.keys(counts).length) out[[c.organisationId, c.team, c.nationality, c.exploitationType, c.kind, c.month].join(' ')] = counts;
  }
  return out;
}
