/**
 * One child's case summary as a PDF, for a case conference or a court (SECURITY.md C2, P4): loaded only
 * inside the caller's case filter with `case.read`, every download audited. It holds what a summary
 * needs and no more: who the child is, where the case stands, the goals of the plan in force, the
 * wellbeing scores first and latest, the referrals, the legal cases and the closure, as codes turned
 * into the reader's language (from the case's reporting facts), never a note or a family member.
 */
import { Types } from 'mongoose';
import type { Caller } from '../../domain/permissions.js';
import { formatDate, formatNumber, type Calendar } from '../../lib/i18n/format.js';
import { plainLabels } from '../../lib/i18n/index.js';
import { PdfWriter } from '../../lib/pdf/document.js';
import { CaseFactModel } from '../../models/case-fact.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { caseInScope, displayName, identityOf } from '../cases/records.js';

export interface CaseSummaryFile {
  name: string;
  data: Buffer;
}

const MUTED = '#444444';
const LABEL_WIDTH = 150;

export async function caseSummaryPdf(caller: Caller, id: string, reader: { locale: string; calendar: Calendar }): Promise<CaseSummaryFile> {
  const c = await caseInScope(caller, id, 'case.read');
  const fact = await CaseFactModel.findOne(trusted({ caseId: new Types.ObjectId(String(c._id)) })).lean();
  const t = await plainLabels(reader.locale);
  const lang = reader.locale;
  const date = (d: Date | string | null | undefined) => (d ? formatDate(d, lang, { calendar: reader.calendar, style: 'long' }) : t('cases:notRecorded'));
  const identity = identityOf(c);
  const pdf = new PdfWriter({ lang, title: `${t('reports:caseSummary.title')} ${c.caseNumber}` });
  const heading = (text: string) => {
    pdf.space(10);
    pdf.ensure(50);
    pdf.text(text, { lang, size: 12, weight: 700 });
    pdf.space(3);
  };
  const field = (label: string, value: string) => {
    pdf.columns([
      { text: label, lang, weight: 700, width: LABEL_WIDTH },
      { text: value || t('cases:notRecorded'), lang, indent: LABEL_WIDTH + 10, width: pdf.width - LABEL_WIDTH - 10 },
    ]);
    pdf.space(3);
  };
  const lines = (rows: string[]) => {
    if (rows.length === 0) pdf.text(t('reports:caseSummary.none'), { lang, color: MUTED });
    for (const r of rows) {
      pdf.text(`• ${r}`, { lang });
      pdf.space(2);
    }
  };

  pdf.text(t('reports:caseSummary.title'), { lang, size: 16, weight: 700 });
  pdf.text(t('reports:caseSummary.confidential'), { lang, size: 9, color: MUTED });
  pdf.space(6);
  pdf.rule();
  // The child's own names may be in another script than the reader's: the writer picks the face per run.
  field(t('reports:caseSummary.child'), displayName(identity));
  field(t('reports:caseSummary.caseNumber'), c.caseNumber);
  field(t('reports:caseSummary.age'), identity.dateOfBirth ? date(identity.dateOfBirth) : identity.estimatedAge ? t('reports:caseSummary.estimatedAge', { age: formatNumber(Number(identity.estimatedAge), lang) }) : '');
  field(t('reports:caseSummary.status'), t(`cases:status.${c.status}`));
  field(t('reports:caseSummary.risk'), t(`lookups:riskLevel.${c.riskLevel}`));
  field(t('reports:caseSummary.exploitation'), (c.exploitationTypes ?? []).map((e) => t(`lookups:exploitationType.${e}`)).join(', '));
  field(t('reports:caseSummary.intake'), date(c.intake?.date));
  field(t('reports:caseSummary.placement'), c.child?.placement ? t(`lookups:placement.${c.child.placement}`) : '');

  heading(t('reports:caseSummary.plan'));
  const goals = fact?.goals ?? [];
  if (goals.length === 0) pdf.text(t('reports:caseSummary.noPlan'), { lang, color: MUTED });
  else lines(goals.map((g) => t('reports:caseSummary.goal', { domain: t(`assessments:domains.${g.domain}`), achieved: formatNumber(g.achieved, lang), set: formatNumber(g.set, lang) })));

  heading(t('reports:caseSummary.wellbeing'));
  lines((fact?.wellbeing ?? []).map((w) => t('reports:caseSummary.wellbeingRow', { domain: t(`assessments:domains.${w.domain}`), first: formatNumber(w.first, lang), latest: formatNumber(w.latest, lang) })));

  heading(t('reports:caseSummary.referrals'));
  lines((fact?.referrals ?? []).map((r) => `${t('reports:caseSummary.referralRow', { service: t(`lookups:serviceType.${r.service}`), status: t(`referrals:status.${r.status}`) })}${r.sentAt ? ` · ${date(r.sentAt)}` : ''}`));

  heading(t('reports:caseSummary.legal'));
  lines((fact?.legalCases ?? []).map((l) => (l.verdict ? t('reports:caseSummary.verdictRow', { status: t(`legal:status.${l.status}`), verdict: t(`legal:verdict.${l.verdict}`) }) : t('reports:caseSummary.legalRow', { status: t(`legal:status.${l.status}`) }))));

  if (fact?.closedAt) {
    heading(t('reports:caseSummary.closure'));
    pdf.text(t('reports:caseSummary.closedOn', { date: date(fact.closedAt), reason: fact.closureReason ? t(`lookups:closureReason.${fact.closureReason}`) : t('cases:notRecorded') }), { lang });
  }

  const data = await pdf.finish((page, count) => t('reports:caseSummary.footer', { page, count }));
  await audit(caller, { action: 'report_export', outcome: 'success', recordType: 'case', recordId: String(c._id) });
  return { name: `${c.caseNumber}-summary.pdf`, data };
}
