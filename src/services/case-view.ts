/**
 * The case page (issue 4, item 1): every section of one case, opened for a caller allowed to read it,
 * and the timeline. Each view is audited (L1).
 */
import type { Caller } from '../domain/permissions.js';
import { can } from '../domain/permissions.js';
import { CaseChangeModel } from '../models/case-change.js';
import { OrganisationModel } from '../models/organisation.js';
import { trusted } from './trusted.js';
import { attachmentsOf } from './attachments.js';
import { audit } from './audit.js';
import { assessmentOf, memberOf } from './case-family.js';
import { notesOf, tasksOf } from './case-notes.js';
import { caseInScope, detailsOf, userNames, versionOf } from './case-records.js';

export interface TimelineEntry {
  at: Date;
  kind: string;
  by: string;
  noteType?: string;
}

export async function getCase(caller: Caller, id: string, locale: string) {
  const c = await caseInScope(caller, id, 'case.read');
  const [notes, tasks, attachments, changes] = await Promise.all([
    notesOf(c._id),
    tasksOf(c._id),
    attachmentsOf(c._id),
    CaseChangeModel.find({ caseId: c._id }).sort({ at: -1 }).limit(100).select({ at: 1, kind: 1, userId: 1 }).lean(),
  ]);
  const consentOrgIds = c.consents.map((x) => x.organisationId).filter(Boolean);
  const [names, orgs] = await Promise.all([
    userNames([...c.caseworkerIds, c.supervisorId, c.familyAssessment?.by, c.closure?.by, ...changes.map((x) => x.userId)]),
    consentOrgIds.length ? OrganisationModel.find(trusted({ _id: { $in: consentOrgIds } })).select({ name: 1 }).lean() : Promise.resolve([]),
  ]);
  const orgName = new Map(orgs.map((o) => [String(o._id), (o.name as Record<string, string | undefined>)[locale] || o.name?.en || '']));
  const assessment = assessmentOf(c);
  const timeline = ([
    ...changes.map((x) => ({ at: x.at, kind: x.kind, by: names.get(String(x.userId)) ?? '' })),
    ...notes.map((n) => ({ at: n.date, kind: 'note', noteType: n.type, by: n.author })),
  ] satisfies TimelineEntry[]).sort((a, b) => b.at.getTime() - a.at.getTime());
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: id });
  return {
    id,
    caseNumber: c.caseNumber,
    status: c.status,
    version: versionOf(c),
    team: c.team ?? '',
    details: detailsOf(c),
    caseworkers: c.caseworkerIds.map((w) => names.get(String(w)) ?? ''),
    supervisor: c.supervisorId ? (names.get(String(c.supervisorId)) ?? '') : '',
    family: c.family.map(memberOf),
    assessment: { ...assessment, by: names.get(assessment.by) ?? '' },
    consents: c.consents.map((x) => ({
      id: String(x._id),
      purpose: x.purpose,
      organisation: x.organisationId ? (orgName.get(String(x.organisationId)) ?? '') : '',
      givenBy: x.givenBy,
      date: x.date,
      formVersion: x.formVersion,
      withdrawnAt: x.withdrawnAt ?? undefined,
    })),
    closure: c.closure?.reason ? { reason: c.closure.reason, date: c.closure.date, by: names.get(String(c.closure.by)) ?? '' } : undefined,
    notes,
    tasks,
    attachments,
    timeline: timeline.slice(0, 100),
    may: {
      update: can(caller.roles, 'case.update'),
      assign: can(caller.roles, 'case.assign'),
      close: can(caller.roles, 'case.close'),
      history: can(caller.roles, 'case.history'),
    },
  };
}

export type CaseView = Awaited<ReturnType<typeof getCase>>;
