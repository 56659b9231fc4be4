/**
 * Fictional assessments for demo cases, recorded through the real service (sealed, audited, facts
 * rewritten the same way as real work): an initial risk assessment at intake, then wellbeing follow-ups
 * every few months up to today, 1 to 4 in all. Most children's scores improve over time, some stall or
 * slip back. The notes are short, plain and made up. The same random source gives the same demo.
 */
import { CARE_DOMAINS, type CareDomain, type Score } from '../../domain/assessments.js';
import type { Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { recordAssessment } from '../care/assessments.js';

export type DemoNoteLanguage = 'fil' | 'km' | 'en';

/** Made-up notes that describe no one and nothing of any abuse. */
const NOTES: Record<DemoNoteLanguage, { overall: string[]; domain: string[] }> = {
  en: {
    overall: ['Assessment done at the shelter with the house parent present (demo).', 'Follow-up visit at home; the child answered most questions (demo).', 'The child is more confident than at the last visit (demo).'],
    domain: ['Needs more support here; to be discussed with the supervisor (demo).', 'Better than last time (demo).', 'No change since the last visit (demo).'],
  },
  fil: {
    overall: ['Ginawa ang pagtatasa sa shelter kasama ang house parent (demo).', 'Pagbisita sa tahanan; sinagot ng bata ang karamihan ng tanong (demo).', 'Mas may tiwala sa sarili ang bata kaysa noong huling pagbisita (demo).'],
    domain: ['Kailangan pa ng suporta rito; pag-uusapan kasama ang superbisor (demo).', 'Mas mabuti kaysa noong nakaraan (demo).', 'Walang pagbabago mula noong huling pagbisita (demo).'],
  },
  km: {
    overall: ['ការវាយតម្លៃបានធ្វើនៅមណ្ឌលស្នាក់នៅ ដោយមានអ្នកមើលថែនៅជាមួយ (សាកល្បង)។', 'ការចុះសួរសុខទុក្ខតាមផ្ទះ កុមារបានឆ្លើយសំណួរភាគច្រើន (សាកល្បង)។', 'កុមារមានទំនុកចិត្តច្រើនជាងការជួបលើកមុន (សាកល្បង)។'],
    domain: ['ត្រូវការការគាំទ្របន្ថែម នឹងពិភាក្សាជាមួយអ្នកគ្រប់គ្រង (សាកល្បង)។', 'ប្រសើរជាងលើកមុន (សាកល្បង)។', 'មិនមានការផ្លាស់ប្តូរតាំងពីការជួបលើកមុន (សាកល្បង)។'],
  },
};

const DAY = 86_400_000;

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

function clamp(n: number): Score {
  return Math.min(5, Math.max(1, Math.round(n))) as Score;
}

/**
 * Records 1-4 assessments of a demo case from its intake day (`YYYY-MM-DD`) to today; returns how many.
 * `rnd` is the demo's seeded random source.
 */
export async function seedDemoAssessments(caller: Caller, caseId: string, intakeDate: string, rnd: () => number, language: DemoNoteLanguage): Promise<number> {
  const today = clock.now().toISOString().slice(0, 10);
  const start = Date.parse(`${intakeDate}T00:00:00Z`);
  // Wellbeing follow-ups every three to five months after the initial assessment, while there is time.
  const dates = [intakeDate];
  let at = start;
  while (dates.length < 4) {
    at += (90 + Math.floor(rnd() * 60)) * DAY;
    const day = new Date(at).toISOString().slice(0, 10);
    if (day > today) break;
    dates.push(day);
  }
  const improving = rnd() < 0.75;
  // Not every domain is assessed at intake (legal and livelihood often wait for the first follow-up).
  const assessed = CARE_DOMAINS.filter((d) => !['legal', 'livelihood'].includes(d) || rnd() < 0.6);
  let scores = Object.fromEntries(assessed.map((d) => [d, 1 + Math.floor(rnd() * 3)])) as Partial<Record<CareDomain, number>>;
  for (const [i, date] of dates.entries()) {
    const notes: Partial<Record<CareDomain, string>> = {};
    for (const d of assessed) if (rnd() < 0.3) notes[d] = pick(rnd, NOTES[language].domain);
    await recordAssessment(caller, caseId, {
      type: i === 0 ? 'initial_risk' : 'wellbeing',
      date,
      language,
      scores: Object.fromEntries(Object.entries(scores).map(([d, s]) => [d, clamp(s!)])),
      notes,
      overall: pick(rnd, NOTES[language].overall),
    });
    const step = (): number => (improving ? (rnd() < 0.6 ? 1 : 0) : rnd() < 0.5 ? -1 : rnd() < 0.5 ? 0 : 1);
    scores = Object.fromEntries(Object.entries(scores).map(([d, s]) => [d, clamp(s! + step())]));
  }
  return dates.length;
}
