/**
 * Demo closures for each demo NGO, made through the same services as real work: closures approved for
 * several reasons, one proposal waiting for the supervisor, one returned with a comment, and closures
 * for reintegration whose follow-up visits are recorded (the child safe, or not) or due, overdue and
 * upcoming. Every note is made up and says nothing about abuse; a fixed seed makes every run the same.
 *
 * Run after seedDemoCases (it needs the demo cases, caseworker and supervisor), and after the care-plan
 * demo when there is one: the reasons of a case in care need `active` cases, and where the demo has too
 * few, an open demo case is given a first care plan, submitted by its caseworker and approved by the
 * supervisor through the care-plan services, which makes it active as it would be in use.
 */
import { Types } from 'mongoose';
import type { Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { CaseModel } from '../../models/case.js';
import { CaseTaskModel } from '../../models/case-task.js';
import { ClosureProposalModel } from '../../models/closure-proposal.js';
import { FollowUpModel } from '../../models/follow-up.js';
import { OrganisationModel } from '../../models/organisation.js';
import { trusted } from '../auth/trusted.js';
import { approveClosure, proposeClosure, returnClosure } from '../cases/closure.js';
import { recordFollowUp } from '../cases/follow-ups.js';
import { addGoal, addIntervention } from '../care/plan-goals.js';
import { approvePlan, startVersion, submitPlan } from '../care/plans.js';
import { claim, random, staff } from './common.js';

const DAY = 86_400_000;
const NGOS: readonly { code: string; language: 'fil' | 'km' }[] = [
  { code: 'PH-DEMO-LIWANAG', language: 'fil' },
  { code: 'KH-DEMO-PONLEU', language: 'km' },
];

const TEXT = {
  fil: {
    note: ['Handa na ang pamilya at regular nang pumapasok sa paaralan ang bata (demo).', 'Nakausap ang tagapag-alaga at ang barangay; maayos ang kalagayan ng bata (demo).'],
    comment: 'Pakidagdag muna ang pagtatasa ng tahanan bago isara (demo).',
    visit: ['Bumisita sa tahanan; masaya at nag-aaral ang bata (demo).', 'Nakausap ang tiyahin; kailangan ng dagdag na suporta ang pamilya (demo).'],
  },
  km: {
    note: ['គ្រួសាររួចរាល់ ហើយកុមារទៅសាលារៀនជាប្រចាំ (សាកល្បង)។', 'បាននិយាយជាមួយអាណាព្យាបាល និងមេភូមិ កុមារសុខសប្បាយ (សាកល្បង)។'],
    comment: 'សូមបន្ថែមការវាយតម្លៃផ្ទះជាមុនសិន មុននឹងបិទករណី (សាកល្បង)។',
    visit: ['បានចុះសួរសុខទុក្ខតាមផ្ទះ កុមារសប្បាយចិត្ត ហើយកំពុងរៀន (សាកល្បង)។', 'បាននិយាយជាមួយមីង គ្រួសារត្រូវការការគាំទ្របន្ថែម (សាកល្បង)។'],
  },
} as const;

interface Plan {
  reason: string;
  /** How long ago the case closes (or is proposed to). */
  daysAgo: number;
  /** Only proposed, or proposed and returned; by default approved. */
  end?: 'proposed' | 'returned';
  /** For each follow-up visit in turn: recorded with the child safe or not; the rest stay as they are. */
  visits?: ('safe' | 'unsafe')[];
}

/** Closed at intake first (open cases), then in care (active cases). */
const PLANS: readonly Plan[] = [
  { reason: 'duplicate', daysAgo: 300 },
  { reason: 'moved_away', daysAgo: 90 },
  { reason: 'foster_care', daysAgo: 120 },
  { reason: 'turned_18', daysAgo: 45 },
  { reason: 'transferred', daysAgo: 200 },
  { reason: 'independent_living', daysAgo: 3, end: 'proposed' },
  { reason: 'reintegrated_family', daysAgo: 5, end: 'returned' },
  // Reintegrations: both visits done, one done and one overdue or due, one overdue, one due, one upcoming.
  { reason: 'reintegrated_family', daysAgo: 560, visits: ['safe', 'safe'] },
  { reason: 'reintegrated_family', daysAgo: 400, visits: ['safe'] },
  { reason: 'kinship_care', daysAgo: 350, visits: ['unsafe'] },
  { reason: 'reintegrated_family', daysAgo: 195 },
  { reason: 'kinship_care', daysAgo: 170 },
  { reason: 'reintegrated_family', daysAgo: 60 },
];

const AT_INTAKE = new Set(['duplicate', 'moved_away']);

function isoDaysAgo(days: number): string {
  return new Date(clock.ms() - days * DAY).toISOString().slice(0, 10);
}

/**
 * A demo case of the caseworker, registered before the day it closes, not yet used by this seeder and
 * with no open task; in care when the reason needs it (given an approved first plan when the demo has no
 * active case left).
 */
async function pickCase(organisationId: Types.ObjectId, worker: Caller, supervisor: Caller, plan: Plan, used: Set<string>): Promise<Types.ObjectId | undefined> {
  const before = new Date(clock.ms() - (plan.daysAgo + 14) * DAY);
  const wanted = AT_INTAKE.has(plan.reason) ? 'open' : 'active';
  const candidates = async (status: 'open' | 'active') =>
    (await CaseModel.find(trusted({ organisationId, caseworkerIds: new Types.ObjectId(worker.userId), status, 'intake.date': { $lte: before } })).sort({ caseNumber: 1 }).select({ _id: 1 }).limit(200).lean()).filter(
      (c) => !used.has(String(c._id)),
    );
  const found = (await candidates(wanted))[0] ?? (wanted === 'active' ? (await candidates('open'))[0] : undefined);
  if (!found) return undefined;
  if (wanted === 'active' && (await CaseModel.exists({ _id: found._id, status: 'open' }))) await approvedFirstPlan(worker, supervisor, String(found._id));
  return take(found._id, used);
}

/** A first care plan of one goal, drafted and submitted by the caseworker and approved by the supervisor. */
async function approvedFirstPlan(worker: Caller, supervisor: Caller, caseId: string): Promise<void> {
  const day = (days: number) => new Date(clock.ms() + days * DAY).toISOString().slice(0, 10);
  const planId = await startVersion(worker, caseId);
  const goalId = await addGoal(worker, caseId, planId, { domain: 'family', text: 'Fictional demo goal: the child lives safely with the family.', language: 'en', targetDate: day(60), status: 'in_progress' });
  await addIntervention(worker, caseId, planId, goalId, { service: 'family_support', responsible: `user:${worker.userId}`, dueDate: day(30), status: 'in_progress' });
  await submitPlan(worker, caseId, planId);
  await approvePlan(supervisor, caseId, planId);
}

function take(id: Types.ObjectId, used: Set<string>): Types.ObjectId {
  used.add(String(id));
  return id;
}

/** Seeds the demo closures of each demo NGO not yet seeded; returns how many cases it used. */
export async function seedDemoClosures(): Promise<number> {
  const rnd = random(20261202);
  let made = 0;
  for (const ngo of NGOS) {
    const org = await OrganisationModel.findOne({ code: ngo.code }).select({ _id: 1 }).lean();
    if (!org || !(await CaseModel.exists({ organisationId: org._id })) || !(await claim('demo-closures', ngo.code))) continue;
    const [worker, supervisor] = await Promise.all([staff(org._id, 'caseworker'), staff(org._id, 'supervisor')]);
    if (!worker || !supervisor) continue;
    const text = TEXT[ngo.language];
    // A case about to close has no task left open: those cases stay with the other demos (My work's tasks).
    const used = new Set((await CaseTaskModel.distinct('caseId', trusted({ organisationId: org._id, doneAt: { $exists: false } }))).map(String));
    for (const plan of PLANS) {
      const caseId = await pickCase(org._id, worker, supervisor, plan, used);
      if (!caseId) continue;
      const id = String(caseId);
      const note = text.note[Math.floor(rnd() * text.note.length)]!;
      await proposeClosure(worker, id, { reason: plan.reason, date: isoDaysAgo(plan.daysAgo), note, language: ngo.language });
      const proposal = (await ClosureProposalModel.findOne({ caseId, status: 'proposed' }).select({ _id: 1 }).lean())!;
      if (plan.end === 'returned') await returnClosure(supervisor, id, String(proposal._id), { comment: text.comment, language: ngo.language });
      else if (plan.end !== 'proposed') await approveClosure(supervisor, id, String(proposal._id));
      const visits = await FollowUpModel.find({ caseId, status: 'scheduled' }).sort({ dueDate: 1 }).lean();
      for (const [i, answer] of (plan.visits ?? []).entries()) {
        const visit = visits[i];
        if (!visit) break;
        const visitDate = new Date(Math.min(visit.dueDate.getTime() + (1 + Math.floor(rnd() * 6)) * DAY, clock.ms())).toISOString().slice(0, 10);
        await recordFollowUp(worker, id, String(visit._id), {
          visitDate,
          safe: answer === 'safe',
          livingAsPlanned: answer === 'safe' || rnd() < 0.5,
          inSchoolOrWork: answer === 'safe' ? rnd() < 0.9 : rnd() < 0.3,
          note: text.visit[answer === 'safe' ? 0 : 1],
          language: ngo.language,
        });
      }
      made += 1;
    }
  }
  return made;
}
