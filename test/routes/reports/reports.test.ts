/**
 * The outcome reports on a fixed dataset whose figures were worked out by hand (dataset.ts): the page
 * for a manager (the organisation) and a supervisor (the team), small counts and counts subtraction
 * would give away hidden on the page, in the CSV and in the PDF; the downloads' own permission and
 * audit; bad filters refused with nothing counted; and one child's case summary.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import type request from 'supertest';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { OrganisationModel } from '../../../src/models/organisation.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { CaseModel } from '../../../src/models/case.js';
import { testApp } from '../../helpers/app.js';
import { buildCase } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';
import { reportQueries } from '../../../src/services/reports/pipeline.js';
import { ReportCellModel } from '../../../src/models/report-cell.js';
import { writeDataset } from './dataset.js';

const YEAR = 'from=2025-01-01&to=2025-12-31';

/** A figure's table on the page: row key → the cells' texts, in column order. */
function table(html: string, figure: string): Record<string, string[]> {
  const section = new RegExp(`<section class="report-figure" id="figure-${figure}"[\\s\\S]*?</section>`).exec(html);
  expect(section, figure).to.exist;
  const rows: Record<string, string[]> = {};
  for (const m of section![0].matchAll(/<tr data-key="([^"]+)">([\s\S]*?)<\/tr>/g)) {
    rows[m[1]!] = [...m[2]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => unescape(c[1]!.trim()));
  }
  return rows;
}

/** The text of an HTML cell, as a browser shows it. */
const unescape = (html: string) => html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

function pdfText(data: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-report-'));
  const file = path.join(dir, 'report.pdf');
  writeFileSync(file, data);
  return execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** Collects a download's bytes as a Buffer, whatever its type. */
const binary = ((res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}) as unknown as Parameters<request.Test['parse']>[0];

describe('outcome reports (DOMAIN.md "Outcomes managers report"; SECURITY.md P4, I5)', function () {
  this.timeout(60_000);
  useDatabase('reports');
  let app: Express;
  let orgA: string;
  let manager: TestUser;
  let supervisor: TestUser;
  let caseworker: TestUser;
  let agents: Record<string, Agent>;

  before(async () => {
    app = await testApp();
  });

  beforeEach(async () => {
    orgA = (
      await buildOrganisation({
        teams: [
          { code: 'north', name: 'North team' },
          { code: 'south', name: '=South team' },
        ],
      })
    ).id;
    const orgB = (await buildOrganisation()).id;
    const partner = (await buildOrganisation({ kind: 'partner', name: { en: 'Partner Clinic (fictional)' } })).id;
    manager = await buildUser({ roles: ['manager'], organisationId: orgA });
    supervisor = await buildUser({ roles: ['supervisor'], organisationId: orgA, team: 'south' });
    caseworker = await buildUser({ roles: ['caseworker'], organisationId: orgA, team: 'north' });
    const w1 = await buildUser({ roles: ['caseworker'], organisationId: orgA, team: 'north' });
    await writeDataset(orgA, orgB, { w1: w1.id, w2: caseworker.id, partner });
    agents = { manager: await signIn(app, manager), supervisor: await signIn(app, supervisor), caseworker: await signIn(app, caseworker) };
  });

  it('gives a manager the organisation\'s figures as worked out by hand, the small ones hidden', async () => {
    const res = await agents.manager!.get(`/reports?${YEAR}`).expect(200);
    const html = res.text;
    expect(table(html, 'caseload_status')).to.deep.equal({ open: ['7'], active: ['14'], closed: ['6'], total: ['27'] });
    expect(table(html, 'caseload_risk')).to.deep.equal({ low: ['6'], medium: ['7'], high: ['14'], critical: ['0'], total: ['27'] });
    const exploitation = table(html, 'caseload_exploitation');
    expect([exploitation.livestream_abuse, exploitation.trafficking_sexual, exploitation.online_grooming, exploitation.other]).to.deep.equal([['17'], ['7'], ['6'], ['0']]);
    expect(exploitation.total, 'overlapping categories are not summed').to.equal(undefined);
    expect(table(html, 'caseload_team')).to.deep.equal({ north: ['20'], south: ['7'], total: ['27'] });
    // The team's name is text on the page, never markup.
    expect(html).to.include('&#x3D;South team');
    const caseworkers = Object.values(table(html, 'caseload_caseworker')).map((r) => r[0]);
    expect(caseworkers.sort()).to.deep.equal(['20', '7']);

    // Days to a first plan: 6, 5 and 3 in the first three buckets; 3 is small, and 5 would give it away.
    expect(table(html, 'plan_days')).to.deep.equal({ '0': ['6'], '8': ['hidden'], '15': ['< 5'], '31': ['0'], '61': ['0'], '91': ['0'], total: ['14'] });
    expect(html).to.match(/Median days:<\/span> <strong>8<\/strong>/);
    expect(html).to.match(/without an approved plan:<\/span> <strong>7<\/strong>/);

    expect(table(html, 'goals_domain').safety).to.deep.equal(['28', '14', '50%']);
    expect(table(html, 'goals_domain').health).to.deep.equal(['0', '0', '–']);
    expect(table(html, 'wellbeing_domain').safety).to.deep.equal(['14', '2.0', '4.0']);

    // Counselling: 10 sent, 8 accepted (10 − 8 = 2 not), 2 declined, 2 completed; shelter: 1 sent.
    const services = table(html, 'referrals_service');
    expect(services.counselling).to.deep.equal(['hidden', 'hidden', '< 5', '< 5', 'hidden', '5', '–', '–']);
    expect(services.shelter!.slice(0, 4)).to.deep.equal(['< 5', 'hidden', 'hidden', 'hidden']);
    expect(services.total![0]).to.equal('11');
    expect(Object.values(table(html, 'referrals_partner'))[0]!.slice(0, 4)).to.deep.equal(['11', 'hidden', '< 5', '< 5']);
    expect(html).to.include('Partner Clinic (fictional)');

    expect(table(html, 'legal_stage').trial).to.deep.equal(['5']);
    expect(table(html, 'legal_stage').verdict).to.deep.equal(['6']);
    expect(table(html, 'legal_verdict').convicted).to.deep.equal(['6']);
    expect(table(html, 'closures_reason').reintegrated_family).to.deep.equal(['6']);
    expect(table(html, 'closures_reason').turned_18, 'closed before the period').to.deep.equal(['0']);
    // Six visits made, the child safe in five: the one who was not would follow by subtraction.
    expect(table(html, 'follow_ups')['6']).to.deep.equal(['6', '6', 'hidden', '6', 'hidden', 'hidden']);
    expect(table(html, 'follow_ups')['12']).to.deep.equal(['0', '0', '0', '0', '0', '–']);
    expect(table(html, 'overdue')).to.deep.equal({ reviews: ['14'], casesWithTasks: ['7'], tasks: ['7'] });

    // The chart says in words what it shows, and draws no bar for a hidden value.
    expect(html).to.include('27 in all. The largest is Active, with 14.');
    const plan = /<section class="report-figure" id="figure-plan_days"[\s\S]*?<\/section>/.exec(html)![0];
    expect(plan.match(/class="report-bar-fill"/g)).to.have.length(1);
    expect(plan.match(/class="report-bar-hidden"/g)).to.have.length(2);

    // No cell of any table shows a count of 1 to 4 (the dataset has several; no median or share here is one).
    const cells = [...html.matchAll(/<td data-label="[^"]*" class="numeric[^"]*">([^<]*)<\/td>/g)].map((m) => m[1]!.trim());
    expect(cells.length).to.be.greaterThan(100);
    expect(cells.filter((c) => /^[1-4]$/.test(c))).to.deep.equal([]);

    const seen = await AuditEntryModel.countDocuments({ action: 'report_view', userId: manager.id });
    expect(seen).to.equal(1);
  });

  it('narrows by country and type of exploitation, and a supervisor sees only their team', async () => {
    const kh = (await agents.manager!.get(`/reports?${YEAR}&country=KH`).expect(200)).text;
    expect(table(kh, 'caseload_status')).to.deep.equal({ open: ['7'], active: ['0'], closed: ['0'], total: ['7'] });
    const trafficking = (await agents.manager!.get(`/reports?${YEAR}&exploitationType=trafficking_sexual`).expect(200)).text;
    expect(table(trafficking, 'caseload_exploitation').livestream_abuse).to.deep.equal(['< 5']);
    const north = (await agents.manager!.get(`/reports?${YEAR}&team=north`).expect(200)).text;
    expect(table(north, 'caseload_team')).to.deep.equal({ north: ['20'], total: ['20'] });

    const team = (await agents.supervisor!.get(`/reports?${YEAR}&team=north`).expect(200)).text;
    // A supervisor's report is their team's, whatever the query asks.
    expect(table(team, 'caseload_status')).to.deep.equal({ open: ['7'], active: ['0'], closed: ['0'], total: ['7'] });
    expect(table(team, 'caseload_team')).to.deep.equal({ south: ['7'], total: ['7'] });
    expect(team).not.to.include('id="team"');

    // The way in: the manager's menu; the supervisor's start page (their menu stays short on a phone).
    expect((await agents.manager!.get('/').expect(200)).text).to.match(/<li><a href="\/reports"[^>]*>Reports<\/a><\/li>/);
    const start = (await agents.supervisor!.get('/').expect(200)).text;
    expect(start).to.include('<a href="/reports">Outcome reports</a>');
    expect(start).not.to.match(/<li><a href="\/reports"/);
    expect((await agents.caseworker!.get('/').expect(200)).text).not.to.include('href="/reports"');
  });

  it('refuses a caseworker, and a bad filter with a translated error and no figures', async () => {
    await agents.caseworker!.get('/reports').expect(403);
    await agents.caseworker!.get('/reports/export.csv').expect(403);
    const bad = await agents.manager!.get('/reports?from=2025-12-31&to=2025-01-01').expect(422);
    expect(bad.text).to.include('The end date must be on or after the start date.');
    expect(bad.text).not.to.include('report-figure');
    const th = await agents.manager!.get('/reports?from=2025-02-30&lng=th').expect(422);
    expect(th.text).not.to.include('report-figure');
    await agents.manager!.get('/reports?country=Philippines').expect(422);
    await agents.manager!.get('/reports?exploitationType=nonsense').expect(422);
    await agents.manager!.get('/reports?from[$gt]=2025').expect(422);
    expect(await AuditEntryModel.countDocuments({ action: 'report_view' })).to.equal(0);
  });

  it('downloads a CSV that hides the same cells, starts with a BOM and neutralises formulas; audited', async () => {
    const res = await agents.manager!.get(`/reports/export.csv?${YEAR}`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.match(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).to.match(/attachment; filename="haven-report-2025-01-01-2026-01-01.csv"/);
    expect(res.headers['cache-control']).to.equal('no-store');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const lines = body.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).to.equal('From,To,Organisation,Filters,Figure,Category,Measure,Value');
    const row = (figure: string, category: string, measure: string) => lines.find((l) => l.includes(`,${figure},${category},${measure},`))?.split(',').pop();
    expect(row('Caseload by status', 'Active', 'Cases')).to.equal('14');
    expect(row('Days from intake to the first approved care plan', '15 to 30 days', 'Cases')).to.equal('< 5');
    expect(row('Days from intake to the first approved care plan', '8 to 14 days', 'Cases')).to.equal('hidden');
    expect(row('Care plan goals set and achieved', 'Safety', 'Share achieved')).to.equal('50%');
    // The team named like a formula is written so that no spreadsheet runs it.
    expect(lines.some((l) => l.includes(",'=South team,Cases,7"))).to.equal(true);
    expect(lines.some((l) => /,=South/.test(l))).to.equal(false);
    // No count of 1 to 4 anywhere in the file (the means of the wellbeing figure are scores, not counts).
    const counts = lines.slice(1).filter((l) => !l.includes(',Wellbeing over time,'));
    expect(counts.filter((l) => /,[1-4]$/.test(l))).to.deep.equal([]);
    const exported = await AuditEntryModel.find({ action: 'report_export' }).lean();
    expect(exported.map((e) => [String(e.userId), e.recordId])).to.deep.equal([[manager.id, 'csv']]);
  });

  it('downloads a PDF in Thai and in Khmer with its charts and tables, fonts embedded', async () => {
    for (const [lng, word] of [
      ['th', 'รายงาน'],
      ['km', 'របាយការណ៍'],
    ] as const) {
      const res = await agents.manager!.get(`/reports/export.pdf?${YEAR}&lng=${lng}`).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).to.equal('application/pdf');
      const text = pdfText(res.body as Buffer);
      expect(text, lng).to.include(word);
      // The total of the caseload (27) and the hidden bucket's reason, in the page's words for that language.
      expect(text).to.include('27');
      expect(text).not.to.include('reports:');
      expect(text).to.include('< 5');
    }
    expect(await AuditEntryModel.countDocuments({ action: 'report_export', recordId: 'pdf' })).to.equal(2);
  });

  it('gives the period summary with the figures the organisation chose, which only a manager may choose', async () => {
    const page = (await agents.manager!.get('/reports/period?kind=year&year=2025').expect(200)).text;
    expect(page).to.include('id="figure-caseload_status"');
    expect(page).not.to.include('id="figure-caseload_caseworker"');
    const token = await tokenOf(agents.manager!, '/reports/period');
    await agents.manager!.post('/reports/period/figures').type('form').send({ _csrf: token, figures: ['follow_ups', 'caseload_risk'] }).expect(303);
    expect((await OrganisationModel.findById(orgA).lean())!.reportFigures).to.deep.equal(['caseload_risk', 'follow_ups']);
    const chosen = (await agents.manager!.get('/reports/period?kind=year&year=2025').expect(200)).text;
    expect([...chosen.matchAll(/id="figure-([a-z_]+)"/g)].map((m) => m[1])).to.deep.equal(['caseload_risk', 'follow_ups']);
    // An empty choice changes nothing.
    await agents.manager!.post('/reports/period/figures').type('form').send({ _csrf: token }).expect(303);
    expect((await OrganisationModel.findById(orgA).lean())!.reportFigures).to.have.length(2);
    const supToken = await tokenOf(agents.supervisor!, '/reports/period');
    await agents.supervisor!.post('/reports/period/figures').type('form').send({ _csrf: supToken, figures: 'overdue' }).expect(403);
    const csv = await agents.supervisor!.get('/reports/period.csv?kind=quarter&year=2025&quarter=4').buffer(true).parse(binary).expect(200);
    expect(textOf(csv)).to.include('Safe after closure');
    expect(csv.headers['content-disposition']).to.include('haven-report-2025-q4.csv');
  });

  it('gives one child\'s case summary to whoever may read the case, and 404 to anyone else', async () => {
    const id = await buildCase(caseworker, {}, { team: 'north' });
    const c = (await CaseModel.findById(id).lean())!;
    const pdf = await agents.caseworker!.get(`/cases/${id}/summary.pdf`).buffer(true).parse(binary).expect(200);
    const text = pdfText(pdf.body as Buffer);
    expect(text).to.include('Case summary');
    expect(text).to.include(c.caseNumber);
    await agents.supervisor!.get(`/cases/${id}/summary.pdf`).expect(404);
    await agents.manager!.get(`/cases/${id}/summary.pdf`).expect(403);
    const entries = await AuditEntryModel.find({ recordType: 'case', recordId: id }).lean();
    expect(entries.map((e) => e.action).sort()).to.deep.equal(['access_denied', 'case_create', 'report_export']);
    expect(await CaseFactModel.countDocuments({})).to.be.greaterThan(40);
  });
});

const textOf = (r: { body: unknown }) => (r.body as Buffer).toString('utf8');

describe('the report reads (DATABASE.md: every query served by an index)', function () {
  this.timeout(60_000);
  useDatabase('reportplan');

  it('reads each range of cells through the cells\' index, every key it examines a cell it returns', async () => {
    const org = (await buildOrganisation({ teams: [{ code: 'north', name: 'North team' }] })).id;
    const other = (await buildOrganisation()).id;
    const someone = await buildUser({ roles: ['caseworker'], organisationId: org });
    await writeDataset(org, other, { w1: someone.id, w2: someone.id, partner: other });
    const year = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z') };
    const days = { from: new Date('2025-03-10T00:00:00Z'), to: new Date('2025-06-21T00:00:00Z'), country: 'KH', exploitationType: 'livestream_abuse' };
    let examined = 0;
    for (const [scope, filters] of [
      [{ organisationId: org }, year],
      [{ organisationId: org, team: 'north' }, year],
      [{ organisationId: org }, days],
    ] as const) {
      const queries = reportQueries(scope, filters, new Date());
      expect(queries.length).to.be.within(8, 24);
      for (const q of queries) {
        const plan = (await ReportCellModel.collection.find(q.filter).explain('executionStats')) as unknown as { executionStats: { totalKeysExamined: number; totalDocsExamined: number; nReturned: number } };
        const text = JSON.stringify(plan);
        expect(text, JSON.stringify(q.filter)).not.to.include('COLLSCAN');
        expect(text).to.include('organisationId_1_team_1_nationality_1_exploitationType_1_kind_1_month_1');
        expect(plan.executionStats.totalDocsExamined, JSON.stringify(q.filter)).to.equal(plan.executionStats.nReturned);
        expect(plan.executionStats.totalKeysExamined, JSON.stringify(q.filter)).to.be.at.most(plan.executionStats.nReturned + 1);
        examined += plan.executionStats.nReturned;
      }
    }
    expect(examined, 'the dataset\'s cells were read').to.be.greaterThan(0);
  });
});
