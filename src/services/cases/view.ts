/**
 * The case page: every section of one case, opened for a caller allowed to read it, the header that
 * says whose case it is, and the timeline. Each view is audited (L1).
 */
import { reopenedStatus, type CaseStatus } from '../../domain/cases.js';
import type { Caller } from '../../domain/permissions.js';
import { can } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { scriptLanguage } from '../../lib/i18n/script.js';
import { OrganisationModel } from '../../models/organisation.js';
import { teamsOf } from '../admin/teams.js';
import { trusted } from '../auth/trusted.js';
import { attachmentsOf } from './attachments.js';
import { audit } from '../audit/audit.js';
import { memberOf } from './family.js';
import { caseAssessments } from '../care/assessments.js';
import { caseActivity } from './history.js';
import { organisationTimeZone } from '../admin/organisations.js';
import { assigneeOptions, notesOf, peopleOf, tasksOf } from './notes.js';
import { defaultAssignee } from '../../domain/tasks.js';
import { closureOfCase } from './closure.js';
import { legalCasesOf } from '../legal/view.js';
import { caseReferrals } from '../referrals/sender-view.js';
import { carePlanSection } from '../care/plans.js';
import { caseInScope, detailsOf, userNames, versionOf, type CaseDetails } from './records.js';

/** Whole years from a date of birth (`YYYY-MM-DD`) to today (UTC), or undefined for none. */
export function ageFrom(dateOfBirth: string, today: Date): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ty = today.getUTCFullYear();
  const beforeBirthday = today.getUTCMonth() + 1 < mo || (today.getUTCMonth() + 1 === mo && today.getUTCDate() < d);
  const age = ty - y - (beforeBirthday ? 1 : 0);
  return age >= 0 ? age : undefined;
}

/**
 * Who the case is about, for the page's header: the name in Latin letters and in the local script
 * (with the language of that script, for `lang=`), and the age: from the date of birth when there is
 * one, else the estimate, marked as such.
 */
export function childHeader(d: CaseDetails, today: Date) {
  const latinName = [d.givenName, d.familyName].filter(Boolean).join(' ');
  const localName = [d.givenNameLocal, d.familyNameLocal].filter(Boolean).join(' ');
  const fromBirth = d.dateOfBirth ? ageFrom(d.dateOfBirth, today) : undefined;
  const estimate = /^\d{1,2}$/.test(d.estimatedAge) ? Number(d.estimatedAge) : undefined;
  return {
    latinName,
    localName,
    localLang: localName ? scriptLanguage(localName, d.languages[0]) : undefined,
    // Nothing else to call the child by: the nickname heads the page.
    nickname: latinName || localName ? '' : d.nickname,
    age: fromBirth ?? estimate,
    hasAge: fromBirth !== undefined || estimate !== undefined,
    ageEstimated: fromBirth === undefined && estimate !== undefined,
  };
}

export async function getCase(caller: Caller, id: string, locale: string) {
  const c = await caseInScope(caller, id, 'case.read');
  const [notes, tasks, attachments, timeline, timeZone, assessments] = await Promise.all([
    notesOf(c._id),
    tasksOf(c._id, peopleOf(c)),
    attachmentsOf(c._id),
    caseActivity(c._id, 100),
    organisationTimeZone(c.organisationId),
    caseAssessments(c._id),
  ]);
  const consentOrgIds = c.consents.map((x) => x.organisationId).filter(Boolean);
  const [names, orgs, teams] = await Promise.all([
    userNames([...c.caseworkerIds, c.supervisorId, c.closure?.by]),
    consentOrgIds.length ? OrganisationModel.find(trusted({ _id: { $in: consentOrgIds } })).select({ name: 1 }).lean() : Promise.resolve([]),
    c.team ? teamsOf(c.organisationId) : Promise.resolve([]),
  ]);
  const orgName = new Map(orgs.map((o) => [String(o._id), (o.name as Record<string, string | undefined>)[locale] || o.name?.en || '']));
  // The legal cases of the case, with the next hearing of each (services/legal).
  const legalCases = await legalCasesOf(c._id);
  // The referrals of the case to partner organisations (services/referrals).
  const referrals = await caseReferrals(c._id, locale);
  // Where the case stands on closure: a waiting or returned proposal, follow-up visits (services/cases/closure.ts).
  const closing = await closureOfCase(caller, c);
  // The care plan in force, the version being worked on, and reviews (services/care/plans.ts).
  const carePlan = await carePlanSection(caller, c, locale);
  const details = detailsOf(c);
  const status = c.status as CaseStatus;
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: id });
  return {
    id,
    caseNumber: c.caseNumber,
    status,
    version: versionOf(c),
    team: c.team ? (teams.find((t) => t.code === c.team)?.name ?? c.team) : '',
    details,
    header: childHeader(details, clock.now()),
    caseworkers: c.caseworkerIds.map((w) => names.get(String(w)) ?? '').filter(Boolean),
    supervisor: c.supervisorId ? (names.get(String(c.supervisorId)) ?? '') : '',
    family: c.family.map(memberOf),
    /** Assessments newest first, the scores over time, and the latest family-domain score. */
    assessments,
    consents: c.consents.map((x) => ({
      id: String(x._id),
      purpose: x.purpose,
      organisation: x.organisationId ? (orgName.get(String(x.organisationId)) ?? '') : '',
      givenBy: x.givenBy,
      date: x.date,
      formVersion: x.formVersion,
      withdrawnAt: x.withdrawnAt ?? undefined,
    })),
    closure: c.closure?.reason
      ? { reason: c.closure.reason, date: c.closure.date, by: names.get(String(c.closure.by)) ?? '', reopensTo: reopenedStatus(c.closure.from ?? undefined) }
      : undefined,
    notes,
    tasks,
    /** Whom a new task may go to, the case's default chosen (domain/tasks.ts). */
    taskAssignees: assigneeOptions(peopleOf(c), names, defaultAssignee(peopleOf(c))),
    attachments,
    legalCases,
    referrals,
    carePlan,
    timeline,
    /** The organisation's time zone, for the times of the timeline (UTC where it has none). */
    timeZone,
    closing,
    may: {
      update: can(caller.roles, 'case.update'),
      assign: can(caller.roles, 'case.assign'),
      close: can(caller.roles, 'case.close'),
      history: can(caller.roles, 'case.history'),
      refer: can(caller.roles, 'referral.send'),
    },
  };
}

export type CaseView = Awaited<ReturnType<typeof getCase>>;
