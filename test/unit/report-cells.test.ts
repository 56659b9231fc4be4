/**
 * The report cells (services/facts/cells.ts): the ranges a report reads cover each day once, and the
 * cells kept up step by step as facts change hold exactly what summing all the facts again gives.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { CaseFactModel } from '../../src/models/case-fact.js';
import { ReportCellModel } from '../../src/models/report-cell.js';
import { applyFactsChange, ensureReportCells, rebuildReportCells, type FactsForCells } from '../../src/services/facts/cells.js';
import { CaseModel } from '../../src/models/case.js';
import { spans } from '../../src/services/reports/pipeline.js';
import { updateCase } from '../../src/services/cases/cases.js';
import { buildCase, callerOf, caseDetails } from '../helpers/cases.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser } from '../helpers/factories.js';
import { storedCells } from '../helpers/report-cells.js';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** A small deterministic random source, so a failure can be run again. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

/** The days a span list stands for, a month span meaning each of its days. */
function daysOf(list: ReturnType<typeof spans>, floor: string): string[] {
  const days: string[] = [];
  for (const s of list) {
    for (let t = Date.parse(`${s.grain === 'month' ? `${s.gte ?? floor.slice(0, 7)}-01` : (s.gte ?? floor)}T00:00:00Z`); ; t += DAY) {
      const day = iso(t);
      const key = s.grain === 'month' ? day.slice(0, 7) : day;
      if (key >= s.lt) break;
      days.push(day);
    }
  }
  return days;
}

describe('report cell ranges', () => {
  it('cover every day from the start to before the end once, with day cells only where a month is cut', () => {
    const next = random(7);
    const start = Date.parse('2024-01-01T00:00:00Z');
    for (let i = 0; i < 300; i++) {
      const a = start + Math.floor(next() * 900) * DAY;
      const b = a + Math.floor(next() * 500) * DAY;
      const from = i % 5 === 0 ? undefined : iso(a);
      const floor = from ?? '2023-01-01';
      const list = spans(from, iso(b));
      const want: string[] = [];
      for (let t = Date.parse(`${floor}T00:00:00Z`); t < b; t += DAY) want.push(iso(t));
      expect(daysOf(list, floor), `${from} to ${iso(b)}`).to.deep.equal(want);
      expect(list.filter((s) => s.grain === 'day').length, `${from} to ${iso(b)}`).to.be.at.most(2);
    }
  });
});

/** Every stored cell as `slice kind month → counts`, zero counts left out (what a report adds up). */
async function cellsNow(): Promise<Record<string, Record<string, number>>> {
  return storedCells(await ReportCellModel.collection.find({}).toArray());
}

/** A referral's facts as stored: its status too, which the cells do not count. */
type Referral = NonNullable<FactsForCells['referrals']>[number] & { status: string };

describe('report cells kept step by step', function () {
  this.timeout(120_000);
  useDatabase('reportcells');

  const STATUSES = ['open', 'active', 'closed'];
  const TYPES = ['livestream_abuse', 'trafficking_sexual', 'online_grooming'];

  function someFacts(next: () => number, org: Types.ObjectId, partner: Types.ObjectId, workers: Types.ObjectId[]): FactsForCells & { caseId: Types.ObjectId; intakeMonth: string; demo: boolean } {
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const intake = new Date(Date.parse('2025-01-01T00:00:00Z') + Math.floor(next() * 500) * DAY);
    const status = pick(STATUSES);
    const closed = status === 'closed' ? new Date(intake.getTime() + Math.floor(next() * 200) * DAY) : undefined;
    return {
      caseId: new Types.ObjectId(),
      organisationId: org,
      status,
      riskLevel: pick(['low', 'medium', 'high']),
      exploitationTypes: next() < 0.3 ? [TYPES[0]!, TYPES[1]!] : [pick(TYPES)],
      team: next() < 0.2 ? undefined : pick(['north', 'south']),
      nationality: next() < 0.2 ? undefined : pick(['KH', 'PH']),
      intakeDate: intake,
      intakeMonth: iso(intake.getTime()).slice(0, 7),
      caseworkerIds: [pick(workers)],
      ...(next() < 0.6 ? { firstPlanApprovedAt: new Date(intake.getTime() + 9 * DAY), daysToFirstPlan: Math.floor(next() * 60) } : {}),
      goals: [{ domain: 'safety', set: 2, achieved: Math.floor(next() * 3) }],
      wellbeing: [{ domain: 'health', first: 2, firstAt: intake, latest: 3 + Math.floor(next() * 2), latestAt: new Date(intake.getTime() + (next() < 0.5 ? 0 : 40) * DAY) }],
      legalCases: next() < 0.3 ? [{ status: 'trial' }, { status: 'verdict', verdict: 'convicted' }] : [],
      reviewDue: status === 'closed' ? undefined : new Date(intake.getTime() + 90 * DAY),
      openTaskDueDates: next() < 0.5 ? [new Date(intake.getTime() + 20 * DAY), new Date(intake.getTime() + 5 * DAY)] : [],
      ...(closed ? { closedAt: closed, closureReason: pick(['reintegrated_family', 'turned_18']) } : {}),
      followUps: closed ? [{ months: 6, dueDate: new Date(closed.getTime() + 182 * DAY), done: next() < 0.5, safe: next() < 0.5 }] : [],
      referrals:
        next() < 0.6
          ? [{ service: pick(['counselling', 'shelter']), toOrganisationId: partner, status: 'sent', sentAt: new Date(intake.getTime() + 3 * DAY), daysToAcknowledge: Math.floor(next() * 9), outcome: pick(['open', 'accepted', 'completed', 'declined:no_capacity']) } as Referral]
          : [],
      demo: false,
    };
  }

  it('hold after inserts, changes and deletions what summing the final facts again gives', async () => {
    const next = random(11);
    const org = new Types.ObjectId();
    const partner = new Types.ObjectId();
    const workers = [new Types.ObjectId(), new Types.ObjectId()];
    const current = new Map<string, ReturnType<typeof someFacts>>();
    for (let step = 0; step < 160; step++) {
      const ids = [...current.keys()];
      const roll = next();
      if (ids.length < 5 || roll < 0.4) {
        const f = someFacts(next, org, partner, workers);
        await applyFactsChange(null, f);
        current.set(String(f.caseId), f);
      } else if (roll < 0.9) {
        // The same case, other facts: any field may change (a status, a closure, a referral, a team).
        const id = ids[Math.floor(next() * ids.length)]!;
        const before = current.get(id)!;
        const after = { ...someFacts(next, org, partner, workers), caseId: before.caseId };
        await applyFactsChange(before, after);
        current.set(id, after);
      } else {
        const id = ids[Math.floor(next() * ids.length)]!;
        await applyFactsChange(current.get(id)!, null);
        current.delete(id);
      }
    }
    const stepByStep = await cellsNow();
    expect(Object.keys(stepByStep).length).to.be.greaterThan(100);
    await CaseFactModel.insertMany([...current.values()]);
    const { facts } = await rebuildReportCells();
    expect(facts).to.equal(current.size);
    expect(await cellsNow()).to.deep.equal(stepByStep);
  });

  it('follow a case changed through the services, and are summed once at the first start', async () => {
    const o = await buildOrganisation({ country: 'PH' });
    const worker = await buildUser({ roles: ['caseworker'], organisationId: o.id, team: 'north' });
    const id = await buildCase(worker, { riskLevel: 'high', nationality: 'KH' }, { team: 'north' });
    const oid = new Types.ObjectId(id);
    const month = (await CaseFactModel.collection.findOne({ caseId: oid }))!.intakeMonth as string;
    const cell = (team: string, nationality: string) => ReportCellModel.collection.findOne({ organisationId: new Types.ObjectId(o.id), team, nationality, exploitationType: '*', kind: 'intake', month });
    expect((await cell('north', 'KH'))?.m).to.deep.include({ 's|open': 1, 'r|high': 1, 't|north': 1, p: 1 });
    const version = (await CaseModel.collection.findOne({ _id: oid }))!.__v as number;
    await updateCase(callerOf(worker, 'north'), id, version, caseDetails({ riskLevel: 'critical', nationality: 'KH' }));
    const all = await cell('*', '*');
    expect(all?.m).to.deep.include({ 'r|high': 0, 'r|critical': 1, 's|open': 1 });
    expect(Object.values(all?.d as Record<string, Record<string, number>>)).to.deep.include.members([{ 's|open': 1, 'r|high': 0, 'r|critical': 1, 't|north': 1, 'x|livestream_abuse': 1, [`w|${worker.id}`]: 1, p: 1 }]);
    const kept = await cellsNow();
    await ReportCellModel.collection.deleteMany({});
    expect(await ensureReportCells()).to.deep.equal({ facts: 1, cells: Object.keys(kept).length });
    expect(await cellsNow()).to.deep.equal(kept);
    expect(await ensureReportCells(), 'the second start sums nothing').to.equal(undefined);
  });
});
