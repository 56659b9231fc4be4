/**
 * Demo legal cases: on some open cases of each demo NGO, criminal cases at every stage (investigation,
 * filed, trial, verdict, appeal, closed), with hearings past and to come (one whose outcome was never
 * recorded, so "My work" shows it overdue), verdicts and the support the child was given as a witness.
 * Written through the legal case services, so they are sealed, audited and counted in the reporting
 * facts like real work. Every office, reference and offender is made up and says so ("Offender Alpha
 * Test"); a fixed seed makes every run the same. Run after seedDemoCases (it needs the demo cases and
 * the demo caseworker of each NGO).
 */
import { CHARGES, type LegalStatus } from '../../domain/legal.js';
import type { Caller, Role } from '../../domain/permissions.js';
import { CaseModel } from '../../models/case.js';
import { LegalCaseModel } from '../../models/legal-case.js';
import { OrganisationModel } from '../../models/organisation.js';
import { UserModel } from '../../models/user.js';
import { trusted } from '../auth/trusted.js';
import { addHearing, addSupport, recordOutcome } from '../legal/hearings.js';
import { changeLegalStatus, createLegalCase } from '../legal/legal-cases.js';
import { claim, dayFromToday, random } from './common.js';

const OFFENDERS = ['Offender Alpha Test', 'Offender Bravo Test', 'Offender Charlie Test', 'Offender Delta Test', 'Offender Echo Test', 'Offender Foxtrot Test'];
const OFFICES: Record<string, string[]> = {
  PH: ['Demo City Prosecutor Office (fictional)', 'Demo Regional Trial Court Branch 7 (fictional)', 'Demo Women and Children Protection Desk (fictional)'],
  KH: ['Demo Provincial Court (fictional)', 'Demo Anti-Human Trafficking Police Office (fictional)', 'Demo Municipal Prosecutor (fictional)'],
};

interface Hearing {
  at: number;
  kind: string;
  outcome?: string;
}

/** One demo legal case: the stage it was first recorded at, then its later moves, hearings and support. */
interface Scenario {
  start: LegalStatus;
  complaint: number;
  authority: string;
  moves: { to: LegalStatus; at: number; verdict?: string; reason?: string }[];
  hearings: Hearing[];
  support: { kinds: string[]; at: number }[];
  offenders: { relationship: string }[];
}

const SCENARIOS: readonly Scenario[] = [
  {
    start: 'investigation',
    complaint: -40,
    authority: 'police',
    moves: [],
    hearings: [{ at: 12, kind: 'preliminary_investigation' }],
    support: [{ kinds: ['preparation', 'recorded_interview'], at: -30 }],
    offenders: [{ relationship: 'online_contact' }],
  },
  {
    start: 'investigation',
    complaint: -130,
    authority: 'prosecutor',
    moves: [{ to: 'filed', at: -60 }],
    hearings: [{ at: -20, kind: 'arraignment', outcome: 'postponed' }, { at: 9, kind: 'arraignment' }],
    support: [{ kinds: ['legal_representation'], at: -55 }],
    offenders: [{ relationship: 'household_facilitator' }, { relationship: 'online_contact' }],
  },
  {
    start: 'filed',
    complaint: -300,
    authority: 'court',
    moves: [{ to: 'trial', at: -150 }],
    hearings: [
      { at: -140, kind: 'pre_trial', outcome: 'held' },
      { at: -30, kind: 'child_testimony', outcome: 'child_testified' },
      // Its outcome was never recorded: My work shows it overdue.
      { at: -5, kind: 'trial' },
      { at: 20, kind: 'trial' },
    ],
    support: [{ kinds: ['preparation', 'accompaniment'], at: -35 }, { kinds: ['video_link', 'support_person', 'closed_hearing'], at: -30 }],
    offenders: [{ relationship: 'relative' }],
  },
  {
    start: 'filed',
    complaint: -520,
    authority: 'court',
    moves: [{ to: 'trial', at: -350 }, { to: 'verdict', at: -40, verdict: 'convicted' }],
    hearings: [{ at: -200, kind: 'child_testimony', outcome: 'child_testified' }, { at: -40, kind: 'promulgation', outcome: 'verdict_delivered' }],
    support: [{ kinds: ['screen', 'accompaniment', 'counselling'], at: -200 }],
    offenders: [{ relationship: 'household_facilitator' }],
  },
  {
    start: 'filed',
    complaint: -700,
    authority: 'court',
    moves: [{ to: 'verdict', at: -500, verdict: 'plea' }, { to: 'appeal', at: -460 }],
    hearings: [{ at: -500, kind: 'arraignment', outcome: 'held' }, { at: 30, kind: 'appeal' }],
    support: [{ kinds: ['preparation'], at: -505 }],
    offenders: [{ relationship: 'stranger' }],
  },
  {
    start: 'investigation',
    complaint: -200,
    authority: 'police',
    moves: [{ to: 'closed', at: -150, reason: 'offender_not_identified' }],
    hearings: [],
    support: [{ kinds: ['recorded_interview', 'interpreter'], at: -195 }],
    offenders: [{ relationship: 'online_contact' }],
  },
  {
    start: 'trial',
    complaint: -800,
    authority: 'court',
    moves: [{ to: 'verdict', at: -300, verdict: 'acquitted' }, { to: 'closed', at: -250, reason: 'final_judgment' }],
    hearings: [{ at: -400, kind: 'child_testimony', outcome: 'child_testified' }, { at: -300, kind: 'promulgation', outcome: 'verdict_delivered' }],
    support: [{ kinds: ['video_link', 'support_person'], at: -400 }, { kinds: ['counselling'], at: -295 }],
    offenders: [{ relationship: 'acquaintance' }],
  },
];

async function demoWorker(organisationId: string): Promise<Caller | undefined> {
  const u = await UserModel.findOne({ organisationId, roles: 'caseworker', demo: true }).lean();
  return u ? { userId: String(u._id), organisationId, roles: u.roles as Role[], team: u.team ?? undefined, ip: '127.0.0.1' } : undefined;
}

async function seedScenario(worker: Caller, caseId: string, country: string, s: Scenario, rnd: () => number, n: number): Promise<void> {
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
  const charges = [...new Set([pick(CHARGES.slice(0, 4)), ...(rnd() < 0.4 ? [pick(CHARGES.slice(0, 6))] : [])])];
  const legalId = await createLegalCase(worker, caseId, {
    status: s.start,
    complaintDate: dayFromToday(s.complaint),
    authority: s.authority,
    authorityName: pick(OFFICES[country] ?? OFFICES.PH!),
    reference: `DEMO-${country}-${String(1000 + n)} (fictional)`,
    charges,
    offenders: s.offenders.map((o, i) => ({ relationship: o.relationship, name: OFFENDERS[(n + i) % OFFENDERS.length]! })),
  });
  // Hearings and support dated before each move are recorded first, as they happened.
  const events = [
    ...s.hearings.map((h) => ({ at: h.at, run: async () => {
      const id = await addHearing(worker, caseId, legalId, { date: dayFromToday(h.at), kind: h.kind, note: '', language: 'en' });
      if (h.outcome) await recordOutcome(worker, caseId, legalId, id, { outcome: h.outcome, note: '', language: 'en' });
    } })),
    ...s.support.map((x) => ({ at: x.at, run: () => addSupport(worker, caseId, legalId, { kinds: x.kinds, date: dayFromToday(x.at), note: '', language: 'en' }) })),
    ...s.moves.map((m, version) => ({ at: m.at + 0.5, run: () => changeLegalStatus(worker, caseId, legalId, { to: m.to, date: dayFromToday(m.at), verdict: m.verdict ?? '', reason: m.reason ?? '', version }) })),
  ].sort((a, b) => a.at - b.at);
  for (const e of events) await e.run();
}

/**
 * Adds the demo legal cases to each demo NGO that has demo cases and has none yet; returns how many
 * were made. Needs seedDemo (the caseworker) and seedDemoCases (the cases) first.
 */
export async function seedDemoLegal(): Promise<number> {
  const rnd = random(20261203);
  let made = 0;
  for (const org of await OrganisationModel.find({ kind: 'ngo', demo: true }).select({ _id: 1, code: 1, country: 1 }).sort({ code: 1 }).lean()) {
    const worker = await demoWorker(String(org._id));
    if (!worker) continue;
    const cases = await CaseModel.find(trusted({ organisationId: org._id, status: { $in: ['open', 'active'] }, caseworkerIds: worker.userId })).sort({ caseNumber: 1 }).select({ _id: 1 }).limit(60).lean();
    if (cases.length === 0 || (await LegalCaseModel.exists({ organisationId: org._id })) || !(await claim('demo-legal', org.code))) continue;
    // Every fifth case has a legal case; a few a second one (a child can be a witness in two).
    for (let i = 0; i * 5 < cases.length && i < SCENARIOS.length * 2; i++) {
      const caseId = String(cases[i * 5]!._id);
      await seedScenario(worker, caseId, org.country, SCENARIOS[i % SCENARIOS.length]!, rnd, made);
      made += 1;
      if (i % 4 === 1) {
        await seedScenario(worker, caseId, org.country, SCENARIOS[(i + 3) % SCENARIOS.length]!, rnd, made);
        made += 1;
      }
    }
  }
  return made;
}
