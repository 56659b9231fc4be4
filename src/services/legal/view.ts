/**
 * Reading legal cases: the Legal section of the case page (each legal case with its stage, next
 * hearing and verdict) and the page of one legal case, audited `legal_view`.
 */
import type { Types } from 'mongoose';
import { isOverdue, startOfDay } from '../../domain/cases.js';
import type { LegalStatus } from '../../domain/legal.js';
import type { Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { LegalCaseModel } from '../../models/legal-case.js';
import { LegalHearingModel } from '../../models/legal-hearing.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { unseal, userNames } from '../cases/records.js';
import { inputOf, legalInScope, type LegalSecret } from './legal-cases.js';

export interface LegalRow {
  id: string;
  status: LegalStatus;
  authority: string;
  reference: string;
  charges: string[];
  complaintDate: Date;
  verdict?: string | undefined;
  nextHearing?: { date: Date; kind: string } | undefined;
  /** Hearings whose day has passed with no outcome recorded. */
  outcomesMissing: number;
}

/** The legal cases of a case the caller has already been allowed to read, for the case page. */
export async function legalCasesOf(caseId: Types.ObjectId): Promise<LegalRow[]> {
  const [rows, pending] = await Promise.all([
    LegalCaseModel.find(trusted({ caseId })).sort({ _id: 1 }).limit(50).select({ status: 1, authority: 1, charges: 1, complaintDate: 1, verdict: 1, secret: 1 }).lean(),
    LegalHearingModel.find(trusted({ caseId, outcome: null })).sort({ date: 1 }).limit(500).select({ legalCaseId: 1, date: 1, kind: 1 }).lean(),
  ]);
  const now = clock.now();
  const todayStart = startOfDay(now);
  return rows.map((r) => {
    const mine = pending.filter((h) => String(h.legalCaseId) === String(r._id));
    const next = mine.find((h) => h.date >= todayStart);
    return {
      id: String(r._id),
      status: r.status as LegalStatus,
      authority: r.authority,
      reference: unseal<Partial<LegalSecret>>(r.secret, {}).reference ?? '',
      charges: [...(r.charges ?? [])],
      complaintDate: r.complaintDate,
      verdict: r.verdict ?? undefined,
      nextHearing: next ? { date: next.date, kind: next.kind } : undefined,
      outcomesMissing: mine.filter((h) => isOverdue(h.date, now)).length,
    };
  });
}

/** One legal case's page: what is known of it, its offenders, stages, hearings and the support given. */
export async function legalCasePage(caller: Caller, caseId: string, legalId: string) {
  const { c, legal } = await legalInScope(caller, caseId, legalId, 'case.read');
  const hearings = await LegalHearingModel.find(trusted({ legalCaseId: legal._id })).sort({ date: 1, _id: 1 }).limit(500).lean();
  const names = await userNames([...(legal.stages ?? []).map((s) => s.by), ...(legal.support ?? []).map((s) => s.recordedBy)]);
  const now = clock.now();
  const todayStart = startOfDay(now);
  await audit(caller, { action: 'legal_view', outcome: 'success', recordType: 'case', recordId: caseId });
  const input = inputOf(legal);
  const status = legal.status as LegalStatus;
  const next = hearings.find((h) => !h.outcome && h.date >= todayStart);
  return {
    caseId,
    caseNumber: c.caseNumber,
    id: legalId,
    status,
    ...input,
    verdict: legal.verdict ?? undefined,
    verdictDate: legal.verdictDate ?? undefined,
    closeReason: legal.closeReason ?? undefined,
    closedAt: legal.closedAt ?? undefined,
    stages: (legal.stages ?? []).map((s) => ({ from: s.from ?? undefined, to: s.to, date: s.date, by: names.get(String(s.by)) ?? '' })),
    nextHearing: next ? { date: next.date, kind: next.kind } : undefined,
    hearings: hearings.map((h) => ({
      id: String(h._id),
      date: h.date,
      kind: h.kind,
      outcome: h.outcome ?? undefined,
      note: unseal<{ note: string }>(h.secret, { note: '' }).note,
      language: h.language ?? '',
      upcoming: !h.outcome && h.date >= todayStart,
      outcomeMissing: !h.outcome && isOverdue(h.date, now),
    })),
    support: (legal.support ?? [])
      .map((s) => ({ id: String(s._id), kind: s.kind, date: s.date, note: unseal<{ note: string }>(s.secret, { note: '' }).note, language: s.language ?? '', by: names.get(String(s.recordedBy)) ?? '' }))
      .sort((a, b) => a.date.getTime() - b.date.getTime()),
    closed: status === 'closed',
  };
}

export type LegalPage = Awaited<ReturnType<typeof legalCasePage>>;
