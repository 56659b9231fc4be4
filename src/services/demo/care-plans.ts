/**
 * Fictional care plans and reviews for some demo cases of a demo NGO, made through the same services as
 * real work (sealed, audited, the case made active by its first approval): plans in force, some in a
 * second version with the first superseded, one returned with a comment, one waiting for approval,
 * drafts, goals across domains with interventions by the caseworker and by partner organisations,
 * progress notes, reviews overdue, due and upcoming, one signed off and one waiting. Dates are moved
 * back afterwards (demo data only) so the schedule shows every state; a fixed seed makes every run the same.
 */
import { Types } from 'mongoose';
import type { CareDomain } from '../../domain/assessments.js';
import type { Caller, Role } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { CarePlanModel } from '../../models/care-plan.js';
import { CaseModel } from '../../models/case.js';
import { OrganisationModel } from '../../models/organisation.js';
import { ReviewModel } from '../../models/review.js';
import { UserModel } from '../../models/user.js';
import { trusted } from '../auth/trusted.js';
import { addGoal, addIntervention, recordProgress } from '../care/plan-goals.js';
import { approvePlan, returnPlan, startVersion, submitPlan } from '../care/plans.js';
import { approveReview, recordReview } from '../care/reviews.js';
import { refreshCaseFacts } from '../facts/facts.js';
import { random } from './common.js';

const DAY_MS = 86_400_000;

type Language = 'en' | 'fil' | 'km';

/** Short, plain, made-up goals and notes; nothing in them describes abuse. */
const GOALS: Record<Language, Partial<Record<CareDomain, string>>> = {
  en: {
    safety: 'Stays in a safe home and knows the hotline number (demo).',
    education: 'Goes back to school and attends every week (demo).',
    health: 'Has a full health check and follows the treatment (demo).',
    mental_health: 'Takes part in counselling every two weeks (demo).',
    family: 'Family sessions prepare a safe return home (demo).',
    livelihood: 'The guardian joins the livelihood programme (demo).',
    legal: 'Is accompanied to every hearing (demo).',
  },
  fil: {
    safety: 'Nananatili sa ligtas na tahanan at alam ang numero ng hotline (demo).',
    education: 'Bumalik sa paaralan at pumapasok bawat linggo (demo).',
    health: 'Nakapagpa-check-up at sinusunod ang gamutan (demo).',
    mental_health: 'Lumalahok sa counseling tuwing dalawang linggo (demo).',
    family: 'Inihahanda ng mga sesyon ng pamilya ang ligtas na pag-uwi (demo).',
    livelihood: 'Sumali ang tagapag-alaga sa programang pangkabuhayan (demo).',
    legal: 'May kasama sa bawat pagdinig (demo).',
  },
  km: {
    safety: 'រស់នៅក្នុងផ្ទះដែលមានសុវត្ថិភាព ហើយដឹងលេខទូរស័ព្ទជំនួយ (សាកល្បង)។',
    education: 'ត្រឡប់ទៅសាលារៀនវិញ ហើយចូលរៀនរៀងរាល់សប្តាហ៍ (សាកល្បង)។',
    health: 'បានពិនិត្យសុខភាពពេញលេញ ហើយអនុវត្តតាមការព្យាបាល (សាកល្បង)។',
    mental_health: 'ចូលរួមវគ្គប្រឹក្សាយោបល់រៀងរាល់ពីរសប្តាហ៍ (សាកល្បង)។',
    family: 'វគ្គជាមួយគ្រួសាររៀបចំការត្រឡប់ទៅផ្ទះវិញដោយសុវត្ថិភាព (សាកល្បង)។',
    livelihood: 'អាណាព្យាបាលចូលរួមកម្មវិធីមុខរបរ (សាកល្បង)។',
    legal: 'មានអ្នកអមដំណើរគ្រប់សវនាការ (សាកល្បង)។',
  },
};

const NOTES: Record<Language, string> = {
  en: 'Good progress this month (demo).',
  fil: 'Maayos ang pag-usad ngayong buwan (demo).',
  km: 'មានវឌ្ឍនភាពល្អក្នុងខែនេះ (សាកល្បង)។',
};

const DOMAINS: CareDomain[] = ['safety', 'education', 'health', 'mental_health', 'family', 'livelihood', 'legal'];
const SERVICE_OF: Record<CareDomain, string> = {
  safety: 'shelter',
  education: 'education',
  health: 'health',
  mental_health: 'counselling',
  family: 'family_support',
  livelihood: 'livelihood',
  legal: 'legal_aid',
};

function day(offsetDays: number): string {
  return new Date(clock.ms() + offsetDays * DAY_MS).toISOString().slice(0, 10);
}

async function demoCaller(organisationId: string, role: Role): Promise<Caller | undefined> {
  const u = await UserModel.findOne(trusted({ organisationId: new Types.ObjectId(organisationId), roles: role, demo: true })).lean();
  return u ? { userId: String(u._id), organisationId, roles: u.roles as Role[], team: u.team ?? undefined, ip: '127.0.0.1' } : undefined;
}

/** Moves a version's approval (and its schedule) back by some days: demo data only. */
async function approvedDaysAgo(caseId: string, planId: string, days: number): Promise<void> {
  const at = new Date(clock.ms() - days * DAY_MS);
  await CarePlanModel.updateOne({ _id: new Types.ObjectId(planId) }, { $set: { approvedAt: at, decidedAt: at, submittedAt: new Date(at.getTime() - DAY_MS), demo: true } });
  await refreshCaseFacts(new Types.ObjectId(caseId));
}

/**
 * Seeds care plans on the given demo cases of one organisation (its demo caseworker writes them, its
 * demo supervisor decides). Needs the demo users and the demo partner organisations; cases the demo
 * caseworker is assigned to and that have no plan yet. Returns how many cases got a plan.
 */
export async function seedDemoCarePlans(organisationId: string, caseIds: readonly string[], language: Language = 'en'): Promise<number> {
  const [worker, supervisor] = await Promise.all([demoCaller(organisationId, 'caseworker'), demoCaller(organisationId, 'supervisor')]);
  if (!worker || !supervisor || worker.userId === supervisor.userId) return 0;
  const partners = (await OrganisationModel.find(trusted({ kind: 'partner', demo: true })).select({ _id: 1 }).lean()).map((p) => String(p._id));
  const rnd = random(20260412 + caseIds.length);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
  const texts = GOALS[language];

  /** A version with 2-3 goals of different domains, each with one or two interventions. */
  async function fill(caseId: string, planId: string): Promise<void> {
    const start = Math.floor(rnd() * DOMAINS.length);
    const count = 2 + Math.floor(rnd() * 2);
    for (let g = 0; g < count; g++) {
      const domain = DOMAINS[(start + g) % DOMAINS.length]!;
      const goalId = await addGoal(worker!, caseId, planId, { domain, text: texts[domain]!, language, targetDate: day(60 + Math.floor(rnd() * 200)), status: pick(['not_started', 'in_progress', 'in_progress']) });
      await addIntervention(worker!, caseId, planId, goalId, { service: SERVICE_OF[domain], responsible: `user:${worker!.userId}`, dueDate: day(-10 + Math.floor(rnd() * 60)), status: pick(['planned', 'in_progress']) });
      if (partners.length && rnd() < 0.6) {
        await addIntervention(worker!, caseId, planId, goalId, { service: pick(['shelter', 'counselling', 'health', 'legal_aid']), responsible: `organisation:${pick(partners)}`, dueDate: day(Math.floor(rnd() * 90)), status: 'planned' });
      }
    }
  }

  async function approved(caseId: string, daysAgo: number): Promise<string> {
    const planId = await startVersion(worker!, caseId);
    await fill(caseId, planId);
    await submitPlan(worker!, caseId, planId);
    await approvePlan(supervisor!, caseId, planId);
    await approvedDaysAgo(caseId, planId, daysAgo);
    return planId;
  }

  async function progress(caseId: string, planId: string): Promise<void> {
    const plan = (await CarePlanModel.findById(planId).lean())!;
    const goal = plan.goals[0]!;
    await recordProgress(worker!, caseId, planId, String(goal._id), { status: rnd() < 0.3 ? 'achieved' : 'in_progress', date: day(-2), language, text: NOTES[language] });
  }

  // What each of the first cases gets; the schedule counts from the (moved) approval days.
  const shapes = ['superseded', 'superseded', 'signedOff', 'reviewWaiting', 'overdue', 'overdue', 'due', 'due', 'upcoming', 'upcoming', 'returned', 'submitted', 'draft', 'draft'] as const;
  let made = 0;
  for (const [i, caseId] of caseIds.slice(0, shapes.length).entries()) {
    if (await CarePlanModel.exists({ caseId: new Types.ObjectId(caseId) })) continue;
    const shape = shapes[i]!;
    // No approval before the intake: the days moved back stop at the day after it.
    const intake = (await CaseModel.findById(caseId).select({ 'intake.date': 1 }).lean())?.intake?.date ?? clock.now();
    const sinceIntake = Math.max(1, Math.floor((clock.ms() - intake.getTime()) / DAY_MS) - 1);
    const back = (days: number) => Math.min(days, sinceIntake);
    if (shape === 'superseded') {
      const v1 = await approved(caseId, back(200));
      const v2 = await startVersion(worker, caseId);
      await submitPlan(worker, caseId, v2);
      await approvePlan(supervisor, caseId, v2);
      const v2DaysAgo = Math.min(40, Math.floor(back(200) / 2));
      await approvedDaysAgo(caseId, v2, v2DaysAgo);
      await CarePlanModel.updateOne({ _id: new Types.ObjectId(v1) }, { $set: { supersededAt: new Date(clock.ms() - v2DaysAgo * DAY_MS) } });
      await progress(caseId, v2);
    } else if (shape === 'signedOff' || shape === 'reviewWaiting') {
      const planId = await approved(caseId, back(shape === 'signedOff' ? 120 : 95));
      const plan = (await CarePlanModel.findById(planId).lean())!;
      const goals = plan.goals.map((g, n) => ({ goalId: String(g._id), status: n === 0 ? 'achieved' : 'in_progress', note: NOTES[language] }));
      const reviewId = await recordReview(worker, caseId, { date: day(-3), decision: 'continue', language, summary: NOTES[language], goals });
      await ReviewModel.updateOne({ _id: new Types.ObjectId(reviewId) }, { $set: { demo: true } });
      if (shape === 'signedOff') await approveReview(supervisor, caseId, reviewId);
    } else if (shape === 'overdue' || shape === 'due' || shape === 'upcoming') {
      const planId = await approved(caseId, back(shape === 'overdue' ? 100 + Math.floor(rnd() * 20) : shape === 'due' ? 85 + Math.floor(rnd() * 4) : 20 + Math.floor(rnd() * 30)));
      if (rnd() < 0.7) await progress(caseId, planId);
    } else {
      const planId = await startVersion(worker, caseId);
      await fill(caseId, planId);
      if (shape !== 'draft') await submitPlan(worker, caseId, planId);
      if (shape === 'returned') await returnPlan(supervisor, caseId, planId, 'Please add a goal for school and a date for the family session (demo).', 'en');
    }
    await CarePlanModel.updateMany({ caseId: new Types.ObjectId(caseId) }, { $set: { demo: true } });
    made += 1;
  }
  return made;
}

/**
 * Every demo NGO: care plans on the demo caseworker's cases with the longest history (oldest intake
 * first, so the schedule can show overdue reviews), in the organisation's note language.
 */
export async function seedDemoCarePlansForAll(): Promise<number> {
  const orgs = await OrganisationModel.find(trusted({ kind: 'ngo', demo: true })).select({ country: 1 }).lean();
  let made = 0;
  for (const org of orgs) {
    const worker = await demoCaller(String(org._id), 'caseworker');
    if (!worker) continue;
    const cases = await CaseModel.find(trusted({ organisationId: org._id, caseworkerIds: new Types.ObjectId(worker.userId), status: 'open' }))
      .sort({ 'intake.date': 1, _id: 1 })
      .limit(14)
      .select({ _id: 1 })
      .lean();
    const language: Language = org.country === 'PH' ? 'fil' : org.country === 'KH' ? 'km' : 'en';
    made += await seedDemoCarePlans(String(org._id), cases.map((c) => String(c._id)), language);
  }
  return made;
}
