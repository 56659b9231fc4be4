/**
 * About 200 fictional cases for the two demo NGOs, registered through the same services as real work
 * (so they are sealed, tokenised and audited the same way). Names are drawn at random from
 * demo-names.ts; every child, relative, note and file is made up. A fixed seed makes every run the same.
 */
import type { Types } from 'mongoose';
import sharp from 'sharp';
import { LOOKUPS } from '../../domain/lookups.js';
import { clock } from '../../lib/clock.js';
import { CaseModel } from '../../models/case.js';
import { OrganisationModel } from '../../models/organisation.js';
import { uploadAttachment } from '../cases/attachments.js';
import { addConsent, addFamilyMember } from '../cases/family.js';
import { seedDemoAssessments } from './assessments.js';
import { addNote, addTask } from '../cases/notes.js';
import { seedDemoTasks } from './tasks.js';
import { seedDemoClosures } from './closures.js';
import { seedDemoLegal } from './legal.js';
import { seedDemoReferrals } from './referrals.js';
import { seedDemoCarePlansForAll } from './care-plans.js';
import type { CaseDetails } from '../cases/records.js';
import { registerCase } from '../cases/cases.js';
import { NAME_POOLS, type NamePart, type NamePool } from './names.js';
import { claim, random, staff } from './common.js';

type Country = keyof typeof NAME_POOLS;

interface Plan {
  code: string;
  cases: number;
  /** Where the children come from: mostly the NGO's own country, some from across a border. */
  origins: [Country, number][];
  noteLanguage: 'fil' | 'km';
  areas: string[];
}

const PLANS: readonly Plan[] = [
  { code: 'PH-DEMO-LIWANAG', cases: 110, origins: [['PH', 0.9], ['ID', 0.05], ['MY', 0.05]], noteLanguage: 'fil', areas: ['PH-07-072217', 'PH-07-072230', 'PH-06-063022', 'PH-NCR-137404', 'PH-10-104305'] },
  { code: 'KH-DEMO-PONLEU', cases: 90, origins: [['KH', 0.7], ['VN', 0.1], ['TH', 0.08], ['LA', 0.06], ['MM', 0.06]], noteLanguage: 'km', areas: ['KH-12-1201', 'KH-12-1204', 'KH-17-1710', 'KH-2-0203', 'KH-18-1801'] },
];

/** Short, plain, made-up notes; nothing in them describes abuse. */
const NOTES: Record<'fil' | 'km' | 'en', string[]> = {
  en: [
    'Home visit. The child is settling in and sleeping better. Next visit in two weeks.',
    'Phone call with the guardian about school enrolment. Documents to be collected on Monday.',
    'Counselling session held. The child took part and drew a picture of the family garden.',
  ],
  fil: [
    'Pagbisita sa tahanan. Maayos na ang tulog ng bata at masaya sa paaralan. Susunod na pagbisita sa loob ng dalawang linggo.',
    'Tumawag sa tagapag-alaga tungkol sa pag-enroll sa paaralan. Kukunin ang mga dokumento sa Lunes.',
    'Nagkaroon ng sesyon ng counseling. Aktibong nakilahok ang bata.',
  ],
  km: [
    'ការចុះសួរសុខទុក្ខតាមផ្ទះ។ កុមារគេងលក់ស្រួលជាងមុន ហើយចូលចិត្តទៅសាលារៀន។',
    'បាននិយាយទូរស័ព្ទជាមួយអាណាព្យាបាលអំពីការចុះឈ្មោះចូលរៀន។',
    'វគ្គប្រឹក្សាយោបល់បានធ្វើឡើង។ កុមារបានចូលរួមយ៉ាងសកម្ម។',
  ],
};

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

function weighted<T>(rnd: () => number, items: readonly [T, number][]): T {
  let r = rnd();
  for (const [item, w] of items) {
    if ((r -= w) <= 0) return item;
  }
  return items[items.length - 1]![0];
}

function isoDaysAgo(days: number): string {
  return new Date(clock.ms() - days * 86_400_000).toISOString().slice(0, 10);
}

interface Person {
  given: NamePart;
  family?: NamePart | undefined;
}

function person(rnd: () => number, pool: NamePool, sex: 'female' | 'male'): Person {
  const given = pick(rnd, pool.given[sex]);
  if (rnd() < pool.singleNameShare) return { given };
  if (pool.patronymic) {
    const father = pick(rnd, pool.given.male);
    return { given, family: { latin: `${pool.patronymic[sex]} ${father.latin}` } };
  }
  return { given, family: pool.family.length ? pick(rnd, pool.family) : undefined };
}

function childDetails(rnd: () => number, country: Country, plan: Plan): CaseDetails {
  const pool = NAME_POOLS[country];
  const sex = rnd() < 0.7 ? 'female' : 'male';
  const p = person(rnd, pool, sex);
  const ageYears = 6 + Math.floor(rnd() * 11);
  const knownBirth = rnd() < 0.7;
  return {
    riskLevel: weighted(rnd, [['low', 0.15], ['medium', 0.35], ['high', 0.35], ['critical', 0.15]]),
    exploitationTypes: [...new Set([pick(rnd, LOOKUPS.exploitationType.slice(0, 7)), ...(rnd() < 0.3 ? [pick(rnd, LOOKUPS.exploitationType.slice(0, 7))] : [])])],
    intakeDate: isoDaysAgo(10 + Math.floor(rnd() * 700)),
    identifiedBy: pick(rnd, LOOKUPS.identifiedBy),
    source: pick(rnd, LOOKUPS.intakeSource),
    givenName: p.given.latin,
    familyName: p.family?.latin ?? '',
    givenNameLocal: p.given.local ?? '',
    familyNameLocal: p.family?.local ?? '',
    nickname: rnd() < 0.3 ? p.given.latin.split(' ')[0]!.slice(0, 4) : '',
    dateOfBirth: knownBirth ? isoDaysAgo(ageYears * 365 + Math.floor(rnd() * 365)) : '',
    estimatedAge: knownBirth ? '' : String(ageYears),
    location: pick(rnd, plan.areas),
    school: rnd() < 0.6 ? `Demo ${pick(rnd, ['Central', 'Riverside', 'Hillside', 'Market'])} School (fictional)` : '',
    sex,
    nationality: country,
    languages: [{ PH: 'ceb', KH: 'km', TH: 'th', LA: 'lo', MM: 'my', VN: 'vi', ID: 'id', MY: 'ms', TL: 'tet' }[country]],
    disability: rnd() < 0.85 ? 'none' : pick(rnd, LOOKUPS.disability),
    placement: pick(rnd, LOOKUPS.placement),
  };
}

async function demoImage(rnd: () => number): Promise<Buffer> {
  const colour = { r: Math.floor(rnd() * 255), g: Math.floor(rnd() * 255), b: Math.floor(rnd() * 255) };
  return sharp({ create: { width: 48, height: 48, channels: 3, background: colour } }).png().toBuffer();
}

/** Registers the demo cases of each demo NGO that has none yet; returns how many were made. */
export async function seedDemoCases(onCase: (done: number, total: number) => void = () => undefined): Promise<number> {
  const rnd = random(20261127);
  const partners = await OrganisationModel.find({ kind: 'partner', demo: true }).select({ _id: 1 }).lean();
  let made = 0;
  // Every organisation is claimed before any is seeded, so a second seeder finds nothing left to do.
  const mine: { plan: Plan; org: { _id: Types.ObjectId } }[] = [];
  for (const plan of PLANS) {
    const org = await OrganisationModel.findOne({ code: plan.code }).select({ _id: 1 }).lean();
    if (org && !(await CaseModel.exists({ organisationId: org._id })) && (await claim('demo-cases', plan.code))) mine.push({ plan, org });
  }
  const total = mine.reduce((n, m) => n + m.plan.cases, 0);
  for (const { plan, org } of mine) {
    const worker = await staff(String(org._id), 'caseworker');
    if (!worker) continue;
    for (let i = 0; i < plan.cases; i++) {
      const country = weighted(rnd, plan.origins);
      const details = childDetails(rnd, country, plan);
      const id = await registerCase(worker, details);
      const pool = NAME_POOLS[country];
      const relatives = 1 + Math.floor(rnd() * 3);
      for (let r = 0; r < relatives; r++) {
        const sex = rnd() < 0.5 ? 'female' : 'male';
        const p = person(rnd, pool, sex);
        const relationship = pick(rnd, sex === 'female' ? (['mother', 'grandmother', 'aunt', 'sibling'] as const) : (['father', 'grandfather', 'uncle', 'sibling'] as const));
        await addFamilyMember(worker, id, {
          relationship,
          exploitationRole: weighted(rnd, [['none', 0.7], ['suspected', 0.15], ['confirmed', 0.15]]),
          livesWithChild: rnd() < 0.4,
          guardian: r === 0,
          givenName: p.given.latin,
          familyName: p.family?.latin ?? '',
          localName: [p.given.local, p.family?.local].filter(Boolean).join(' '),
          age: String(25 + Math.floor(rnd() * 40)),
          contact: rnd() < 0.5 ? `+00 000 ${String(Math.floor(rnd() * 1e6)).padStart(6, '0')} (fictional)` : '',
          protectiveFactors: rnd() < 0.5 ? 'Attends every family session; keeps the child in school.' : '',
        });
      }
      if (rnd() < 0.8) await seedDemoAssessments(worker, id, details.intakeDate, rnd, plan.noteLanguage);
      await addConsent(worker, id, { purpose: 'services', organisationId: '', givenBy: rnd() < 0.5 ? 'guardian' : 'child_assent', date: isoDaysAgo(5), formVersion: '2026-01' });
      if (partners.length && rnd() < 0.4) {
        await addConsent(worker, id, { purpose: 'referral', organisationId: String(pick(rnd, partners)._id), givenBy: 'guardian', date: isoDaysAgo(3), formVersion: '2026-01' });
      }
      const notes = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < notes; k++) {
        const language = rnd() < 0.8 ? plan.noteLanguage : 'en';
        await addNote(worker, id, { type: pick(rnd, LOOKUPS.noteType), date: isoDaysAgo(1 + Math.floor(rnd() * 9)), language, text: pick(rnd, NOTES[language]) });
      }
      if (rnd() < 0.5) await addTask(worker, id, { title: 'Follow-up home visit (demo)', dueDate: isoDaysAgo(-Math.floor(rnd() * 30) + 5) });
      if (i % 20 === 0) await uploadAttachment(worker, id, { kind: 'photo', name: `demo-drawing-${i}.png`, data: await demoImage(rnd) });
      made += 1;
      onCase(made, total);
    }
  }
  // Tasks with assignees for "My work", on the cases just made (services/demo/tasks.ts).
  if (made > 0) await seedDemoTasks();
  // Legal cases at every stage, with hearings and witness support (services/demo/legal.ts).
  if (made > 0) await seedDemoLegal();
  // Care plans in every state, reviews overdue, due and signed off (services/demo/care-plans.ts); some cases become active.
  if (made > 0) await seedDemoCarePlansForAll();
  // Closures approved, waiting and returned, and follow-up visits after reintegrations (services/demo/closures.ts).
  // Keep it after any demo that makes cases active (care plans): it makes open ones active where too few are.
  if (made > 0) await seedDemoClosures();
  // Referrals to partners in every state, answered in the partners' languages (services/demo/referrals.ts).
  // Keep it after the closures: closing a case revokes its open referrals.
  if (made > 0) await seedDemoReferrals();
  return made;
}
