/**
 * A fixed, fictional set of reporting facts whose figures were worked out by hand (the comments give
 * them), for the report tests. Written straight into `case_facts`, and the report cells summed from
 * them: the figures are computed from these documents only, whatever the cases behind them.
 *
 * Organisation A, teams "north" and "south" (the south team's name starts with "=", as a formula
 * would). The period is the year 2025.
 * - N: 14 cases, north, active, high risk, live-streamed abuse, caseworker W1, first plan approved
 *   in March after 2, 3, 4, 5, 6, 7 (0–7 days), 8, 9, 10, 11, 12 (8–14) and 20, 25, 30 days (15–30):
 *   median (rank 7 of 14) 8 days. Goals: safety, 2 set and 1 achieved each. Wellbeing: safety 2 → 4.
 *   Review overdue today. Legal: 5 at trial, 6 with a conviction. Referrals: counselling ×10 to the
 *   partner (6 accepted, 2 completed, 2 declined; 1 to 10 days to acknowledge: median 5), shelter ×1.
 * - S: 7 cases, south, open, medium risk, sexual trafficking (3 of them also live-streamed abuse),
 *   Cambodian children (the country of origin the filter asks for), caseworker W2, no plan; each has a task overdue and one to come.
 * - C: 6 cases, north, closed on 2025-06-01 to their family, low risk, online grooming, caseworker W1;
 *   the 6-month visit due 2025-12-01 made for all 6, the child safe in 5.
 * - Outside the figures: 2 cases closed in 2024, 1 taken in in 2026, and 10 of organisation B.
 */
import { Types } from 'mongoose';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { rebuildReportCells } from '../../../src/services/facts/cells.js';
import { now } from '../../helpers/clock.js';

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);
const ago = (days: number) => new Date(now() - days * 86_400_000);

export interface Dataset {
  partnerId: Types.ObjectId;
  w1: Types.ObjectId;
  w2: Types.ObjectId;
}

export async function writeDataset(orgA: string, orgB: string, ids: { w1: string; w2: string; partner: string }): Promise<void> {
  const base = (org: string, extra: Record<string, unknown>) => ({ caseId: new Types.ObjectId(), organisationId: new Types.ObjectId(org), intakeMonth: '2025-02', intakeDate: d('2025-02-01'), country: 'PH', demo: false, ...extra });
  const w1 = new Types.ObjectId(ids.w1);
  const w2 = new Types.ObjectId(ids.w2);
  const partner = new Types.ObjectId(ids.partner);
  const days = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 25, 30];
  const docs: Record<string, unknown>[] = [];
  days.forEach((n, i) => {
    const referrals =
      i < 10
        ? [{ service: 'counselling', toOrganisationId: partner, status: 'accepted', sentAt: d('2025-04-01'), daysToAcknowledge: i + 1, outcome: i < 6 ? 'accepted' : i < 8 ? 'completed' : 'declined:no_capacity' }]
        : i === 10
          ? [{ service: 'shelter', toOrganisationId: partner, status: 'sent', sentAt: d('2025-05-01'), outcome: 'open' }]
          : [];
    docs.push(
      base(orgA, {
        team: 'north',
        status: 'active',
        riskLevel: 'high',
        exploitationTypes: ['livestream_abuse'],
        caseworkerIds: [w1],
        firstPlanApprovedAt: d('2025-03-15'),
        daysToFirstPlan: n,
        goals: [{ domain: 'safety', set: 2, achieved: 1 }],
        wellbeing: [{ domain: 'safety', first: 2, firstAt: d('2025-02-02'), latest: 4, latestAt: d('2025-09-01') }],
        legalCases: i < 5 ? [{ status: 'trial' }] : i < 11 ? [{ status: 'verdict', verdict: 'convicted' }] : [],
        reviewDue: ago(10),
        referrals,
      }),
    );
  });
  for (let i = 0; i < 7; i++) {
    docs.push(base(orgA, { team: 'south', status: 'open', riskLevel: 'medium', exploitationTypes: i < 3 ? ['trafficking_sexual', 'livestream_abuse'] : ['trafficking_sexual'], nationality: 'KH', caseworkerIds: [w2], openTaskDueDates: [ago(5), ago(-5)] }));
  }
  for (let i = 0; i < 6; i++) {
    docs.push(
      base(orgA, {
        team: 'north',
        status: 'closed',
        riskLevel: 'low',
        exploitationTypes: ['online_grooming'],
        caseworkerIds: [w1],
        closedAt: d('2025-06-01'),
        closureReason: 'reintegrated_family',
        followUps: [
          { months: 6, dueDate: d('2025-12-01'), done: true, safe: i < 5, livingAsPlanned: true, inSchoolOrWork: i < 5 },
          { months: 12, dueDate: d('2026-06-01'), done: false },
        ],
      }),
    );
  }
  for (let i = 0; i < 2; i++) docs.push(base(orgA, { team: 'north', status: 'closed', riskLevel: 'low', intakeDate: d('2023-05-01'), intakeMonth: '2023-05', closedAt: d('2024-03-01'), closureReason: 'turned_18', caseworkerIds: [w1] }));
  docs.push(base(orgA, { team: 'north', status: 'open', riskLevel: 'critical', intakeDate: d('2026-02-01'), intakeMonth: '2026-02', caseworkerIds: [w1] }));
  for (let i = 0; i < 10; i++) docs.push(base(orgB, { status: 'active', riskLevel: 'critical', exploitationTypes: ['other'] }));
  await CaseFactModel.insertMany(docs);
  // Written in bulk, not through the services: the report cells are summed from them here.
  await rebuildReportCells();
}
