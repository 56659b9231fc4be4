/**
 * The referral form as PDF (src/routes/referrals/pdf.ts): read back with poppler's pdftotext and
 * pdffonts, as a partner's computer would. In Thai, Khmer, Lao, Burmese and Vietnamese the form shows
 * the labels of that language's locale files and the free text planted in the snapshot, in logical
 * order (Khmer and Burmese thanks to ActualText); every font is embedded; the download is an
 * attachment no cache keeps, audited; nothing of the case outside the snapshot appears in it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import type request from 'supertest';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { LOCALES_DIR } from '../../../src/lib/paths.js';
import type { ReferralSnapshot } from '../../../src/services/referrals/referrals.js';
import { referralFormData, renderReferralForm } from '../../../src/services/referrals/form-pdf.js';
import { ReferralModel } from '../../../src/models/referral.js';
import { testApp } from '../../helpers/app.js';
import { buildCase } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { buildReferral, MARKERS, minimalSnapshot } from '../../helpers/referrals.js';
import { signIn, type Agent } from '../../helpers/session.js';

/** Fictional free text in each language's script, planted in the snapshot's notes and goals. */
const PLANTED: Record<string, { note: string; goal: string }> = {
  th: { note: 'เด็กสมมุติชอบวาดรูปและอยากเรียนต่อ', goal: 'เด็กสมมุติไปโรงเรียนทุกวัน' },
  km: { note: 'កុមារសម្មតិចូលចិត្តគូររូប ហើយចង់រៀនបន្ត', goal: 'កុមារសម្មតិទៅសាលារៀនរៀងរាល់ថ្ងៃ' },
  lo: { note: 'ເດັກສົມມຸດມັກແຕ້ມຮູບ ແລະ ຢາກຮຽນຕໍ່', goal: 'ເດັກສົມມຸດໄປໂຮງຮຽນທຸກມື້' },
  my: { note: 'စမ်းသပ်ကလေးသည် ပုံဆွဲရတာကို ကြိုက်ပြီး ဆက်ပညာသင်ချင်သည်', goal: 'စမ်းသပ်ကလေး နေ့တိုင်း ကျောင်းတက်သည်' },
  vi: { note: 'Trẻ hư cấu thích vẽ tranh và muốn tiếp tục đi học', goal: 'Trẻ hư cấu đi học mỗi ngày' },
};

/** The Noto face each locale's own script is set in (pdffonts names, subset prefix removed). */
const SCRIPT_FONT: Record<string, string> = { th: 'NotoSansThai', km: 'NotoSansKhmer', lo: 'NotoSansLao', my: 'NotoSansMyanmar', vi: 'NotoSans' };

function label(lng: string, ns: string, key: string): string {
  let node: unknown = JSON.parse(readFileSync(path.join(LOCALES_DIR, lng, `${ns}.json`), 'utf8'));
  for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'string') throw new Error(`no ${lng} ${ns}:${key}`);
  return node;
}

function snapshotIn(lng: string): ReferralSnapshot {
  return {
    ...minimalSnapshot(),
    goals: [{ domain: 'education', text: { text: PLANTED[lng]!.goal, language: lng }, targetDate: '2026-09-01' }],
    notes: [{ date: '2026-03-04', type: 'home_visit', text: { text: PLANTED[lng]!.note, language: lng } }],
  };
}

const squeeze = (s: string) => s.normalize('NFC').replace(/\s+/gu, '');

function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('referral form PDF', () => {
  useDatabase('referral-pdf');

  let app: Express;
  let dir: string;
  let ngo: { id: string };
  let partnerOrg: { id: string };
  let worker: TestUser;
  let workerAgent: Agent;
  let caseId: string;
  before(async () => {
    app = await testApp();
    dir = mkdtempSync(path.join(tmpdir(), 'haven-referral-pdf-'));
  });
  // The database is emptied before each test: each builds its organisations, users and case afresh.
  beforeEach(async function () {
    this.timeout(60_000);
    ngo = await buildOrganisation({ name: { en: 'Fictional Sender NGO', th: 'มูลนิธิผู้ส่งสมมุติ' } });
    partnerOrg = await buildOrganisation({ kind: 'partner', name: { en: 'Fictional Partner Shelter', th: 'บ้านพักพิงภาคีสมมุติ', km: 'មណ្ឌលដៃគូសម្មតិ' } });
    worker = await buildUser({ roles: ['caseworker'], organisationId: ngo.id });
    workerAgent = await signIn(app, worker);
    // The case holds values that no referral shares.
    caseId = await buildCase(worker, { location: MARKERS.location, school: MARKERS.school });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  function file(pdf: Buffer): string {
    const name = path.join(dir, `f${(n += 1)}.pdf`);
    writeFileSync(name, pdf);
    return name;
  }
  const textOf = (pdf: Buffer) => execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', file(pdf), '-'], { encoding: 'utf8' });
  function fontsOf(pdf: Buffer): { name: string; emb: string }[] {
    const rows = execFileSync('/usr/bin/pdffonts', [file(pdf)], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    return rows.map((r) => {
      const cols = r.split(/\s+/);
      return { name: cols[0]!.replace(/^[A-Z]{6}\+/, ''), emb: cols[cols.length - 5]! };
    });
  }

  function get(agent: Agent, url: string): Promise<request.Response> {
    return agent.get(url).buffer(true).parse(binary) as unknown as Promise<request.Response>;
  }

  for (const lng of ['th', 'km', 'lo', 'my', 'vi']) {
    it(`in ${lng}: the labels of the ${lng} locale files and the planted free text, in logical order, with embedded Noto fonts`, async function () {
      this.timeout(30_000);
      const id = await buildReferral(caseId, partnerOrg.id, worker.id, { status: 'sent', offline: true, locale: lng, snapshot: snapshotIn(lng) });
      const res = await get(workerAgent, `/referrals/${id}/form.pdf`);
      expect(res.status).to.equal(200);
      const pdf = res.body as Buffer;
      const text = squeeze(textOf(pdf));
      for (const [ns, key] of [
        ['referral-form', 'title'],
        ['referral-form', 'shared'],
        ['referral-form', 'answer.heading'],
        ['referral-form', 'answer.signature'],
        ['referrals', 'status.sent'],
        ['referrals', 'urgency.within_72_hours'],
        ['referrals', 'sectionName.notes'],
        ['lookups', 'serviceType.shelter'],
      ] as const) {
        expect(text, `${lng} ${ns}:${key}`).to.include(squeeze(label(lng, ns, key)));
      }
      expect(text, `${lng} note`).to.include(squeeze(PLANTED[lng]!.note));
      // The free text's language is named, in the reader's language.
      expect(text, `${lng} language named`).to.include(squeeze(label(lng, 'referral-form', 'writtenIn').replace('{{language}}', label(lng, 'lookups', `spokenLanguage.${lng}`))));
      expect(text, `${lng} goal`).to.include(squeeze(PLANTED[lng]!.goal));
      const fonts = fontsOf(pdf);
      expect(fonts.map((f) => f.name)).to.include(`${SCRIPT_FONT[lng]}-Regular`).and.to.include(`${SCRIPT_FONT[lng]}-Bold`);
      for (const f of fonts) {
        expect(f.name, 'a Noto font').to.match(/^NotoSans/);
        expect(f.emb, `${f.name} embedded`).to.equal('yes');
      }
    });
  }

  it('comes as an attachment named by its reference, never cached, titled by the reference only, and audited', async () => {
    const id = await buildReferral(caseId, partnerOrg.id, worker.id, { status: 'sent' });
    const reference = (await ReferralModel.findById(id).lean())!.reference;
    const res = await get(workerAgent, `/referrals/${id}/form.pdf`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^application\/pdf/);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.headers['content-disposition']).to.equal(`attachment; filename="${reference}.pdf"`);
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    const info = execFileSync('/usr/bin/pdfinfo', [file(pdf)], { encoding: 'utf8' });
    expect(info).to.match(new RegExp(`^Title:\\s+${reference}$`, 'm'));
    expect(info).not.to.include('Testchild');
    expect(pdf.toString('latin1')).to.include('/Lang (en)');
    expect(await AuditEntryModel.countDocuments({ action: 'referral_download', outcome: 'success', recordType: 'referral', recordId: id, userId: worker.id })).to.equal(1);
  });

  it('shows nothing of the case that the referral does not share', async () => {
    const id = await buildReferral(caseId, partnerOrg.id, worker.id, { status: 'sent', offline: true });
    const text = textOf((await get(workerAgent, `/referrals/${id}/form.pdf`)).body as Buffer);
    // The shared identification is there; the case's location and school, never shared, are not.
    expect(text).to.include('Fictional');
    for (const marker of Object.values(MARKERS)) expect(text).not.to.include(marker);
    // Only the shared section is there: no heading, no label of the others.
    expect(text).to.include(label('en', 'referrals', 'sectionName.identification'));
    for (const section of ['contact', 'family', 'assessment', 'goals', 'notes', 'attachments']) expect(text).not.to.include(label('en', 'referrals', `sectionName.${section}`));
    expect(text).not.to.include(label('en', 'cases', 'fields.location'));
    expect(text).not.to.include(label('en', 'cases', 'fields.school'));
  });

  it('prints in the language the caseworker picks (?lng=), Thai dates in the Buddhist era; refuses a language Haven lacks', async () => {
    const id = await buildReferral(caseId, partnerOrg.id, worker.id, { status: 'sent', locale: 'en', dueDate: new Date('2026-06-15T00:00:00Z') });
    const english = squeeze(textOf((await get(workerAgent, `/referrals/${id}/form.pdf`)).body as Buffer));
    expect(english).to.include(squeeze(label('en', 'referral-form', 'title')));
    expect(english).to.include('2026');
    const thai = squeeze(textOf((await get(workerAgent, `/referrals/${id}/form.pdf?lng=th`)).body as Buffer));
    expect(thai).to.include(squeeze(label('th', 'referral-form', 'title')));
    expect(thai).to.include('บ้านพักพิงภาคีสมมุติ');
    expect(thai).to.include('2569');
    expect(thai).not.to.include('2026');
    expect((await get(workerAgent, `/referrals/${id}/form.pdf?lng=xx`)).status).to.equal(422);
    expect((await get(workerAgent, `/referrals/${id}/form.pdf?other=1`)).status).to.equal(422);
  });

  it('has no form for a draft (404, audited as a failed download)', async () => {
    const id = await buildReferral(caseId, partnerOrg.id, worker.id, { status: 'draft' });
    expect((await get(workerAgent, `/referrals/${id}/form.pdf`)).status).to.equal(404);
    expect(await AuditEntryModel.countDocuments({ action: 'referral_download', outcome: 'failure', recordId: id })).to.equal(1);
  });

  it("gives a partner the form in the reader's language, and another organisation's partner 404", async function () {
    this.timeout(30_000);
    const reader = await buildUser({ roles: ['partner'], organisationId: partnerOrg.id, locale: 'km' });
    const stranger = await buildUser({ roles: ['partner'], organisationId: (await buildOrganisation({ kind: 'partner' })).id });
    const id = await buildReferral(caseId, partnerOrg.id, worker.id, { status: 'acknowledged', locale: 'th', snapshot: snapshotIn('km') });
    const res = await get(await signIn(app, reader), `/partner/referrals/${id}/form.pdf`);
    expect(res.status).to.equal(200);
    expect(res.headers['cache-control']).to.equal('no-store');
    const text = squeeze(textOf(res.body as Buffer));
    expect(text).to.include(squeeze(label('km', 'referral-form', 'title')));
    expect(text).to.include(squeeze(label('km', 'referrals', 'status.acknowledged')));
    expect(text).to.include(squeeze('មណ្ឌលដៃគូសម្មតិ'));
    expect(text).to.include(squeeze(PLANTED.km!.note));
    // An online partner answers in Haven: no block to fill by hand.
    expect(text).not.to.include(squeeze(label('km', 'referral-form', 'answer.heading')));
    expect(await AuditEntryModel.countDocuments({ action: 'referral_download', outcome: 'success', recordId: id, userId: reader.id })).to.equal(1);

    expect((await get(await signIn(app, stranger), `/partner/referrals/${id}/form.pdf`)).status).to.equal(404);
    expect(await AuditEntryModel.countDocuments({ action: 'access_denied', recordId: id, userId: stranger.id })).to.equal(1);
  });

  it("links its form from each side's page: the sender's, for an offline partner as the one to print and send in the partner's language; the partner's", async function () {
    this.timeout(30_000);
    const online = await buildReferral(caseId, partnerOrg.id, worker.id, { status: 'sent' });
    const page = await workerAgent.get(`/referrals/${online}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include(`<a href="/referrals/${online}/form.pdf">${label('en', 'referrals', 'show.pdf')}</a>`);

    const offline = await buildReferral(caseId, partnerOrg.id, worker.id, { status: 'sent', offline: true, locale: 'th' });
    const print = label('en', 'referral-form', 'link.print').replace('{{partner}}', 'Fictional Partner Shelter').replace('{{language}}', label('en', 'lookups', 'spokenLanguage.th'));
    const offlinePage = await workerAgent.get(`/referrals/${offline}`);
    expect(offlinePage.status).to.equal(200);
    expect(offlinePage.text).to.include(`<a href="/referrals/${offline}/form.pdf">${print}</a>`);
    // A copy in the caseworker's own language beside it, and that link does give it in English.
    expect(offlinePage.text).to.include(`<a href="/referrals/${offline}/form.pdf?lng=en">${label('en', 'referral-form', 'link.ownCopy')}</a>`);
    expect(squeeze(textOf((await get(workerAgent, `/referrals/${offline}/form.pdf`)).body as Buffer))).to.include(squeeze(label('th', 'referral-form', 'title')));
    // A draft has no form yet: no link.
    const draft = await buildReferral(caseId, partnerOrg.id, worker.id, { status: 'draft', offline: true, locale: 'th' });
    const draftPage = await workerAgent.get(`/referrals/${draft}`);
    expect(draftPage.status).to.equal(200);
    expect(draftPage.text).not.to.include('form.pdf');

    const reader = await buildUser({ roles: ['partner'], organisationId: partnerOrg.id, locale: 'km' });
    const partnerPage = await (await signIn(app, reader)).get(`/partner/referrals/${online}`);
    expect(partnerPage.status).to.equal(200);
    expect(partnerPage.text).to.include(`<a href="/partner/referrals/${online}/form.pdf">${label('km', 'referral-form', 'link.partner')}</a>`);
  });

  it('renders without HTTP or database from resolved data (what the benchmark times), in Thai and Burmese', async () => {
    const id = await buildReferral(caseId, partnerOrg.id, worker.id, { status: 'sent', offline: true, snapshot: snapshotIn('my') });
    const data = await referralFormData((await ReferralModel.findById(id).lean())!);
    for (const locale of ['th', 'my']) {
      const text = squeeze(textOf(await renderReferralForm(data, { locale, calendar: 'default' })));
      expect(text).to.include(squeeze(label(locale, 'referral-form', 'title')));
      expect(text).to.include(squeeze(PLANTED.my!.note));
    }
  });
});
