/**
 * Drafting a referral from a case (DOMAIN.md "Referral"): the form with its partner list filtered by
 * service and country without JavaScript, the draft's reference, the offline flag, editing under the
 * draft's version (V3), refused input that changes nothing, the preview in the partner's language, and
 * the Referrals section of the case page.
 */
import { now } from '../../helpers/clock.js';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import type request from 'supertest';
import { CaseNoteModel } from '../../../src/models/case-note.js';
import { ReferralModel } from '../../../src/models/referral.js';
import { CaseModel } from '../../../src/models/case.js';
import { UserModel } from '../../../src/models/user.js';
import { OrganisationModel } from '../../../src/models/organisation.js';
import { createI18n } from '../../../src/lib/i18n/index.js';
import { buildReferral } from '../../helpers/referrals.js';
import { PSEUDO, pseudoResources, untranslated } from '../../helpers/pseudo.js';
import { addNote } from '../../../src/services/cases/notes.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { testApp } from '../../helpers/app.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser } from '../../helpers/factories.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';
import { buildPartner, buildSender, day, draftBody, referralIdOf, referralOf, type Sender } from './sender-setup.js';

describe('referral drafts', () => {
  useDatabase('referraldrafts');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let s: Sender;
  let agent: Agent;
  let token: string;
  beforeEach(async () => {
    s = await buildSender();
    agent = await signIn(app, s.worker);
    token = await tokenOf(agent);
  });

  const post = (path: string, body: Record<string, unknown>, as: Agent = agent): Promise<request.Response> => as.post(path).type('form').send({ _csrf: token, ...body });

  describe('GET /cases/:id/referrals/new', () => {
    it('lists the organisations offering the chosen service in the chosen country, never the sender itself', async () => {
      const inThailand = await buildPartner({ country: 'TH', services: ['shelter'] });
      const healthOnly = await buildOrganisation({ kind: 'ngo', country: 'PH', services: ['health'], preferredLocale: 'en', name: { en: 'Fictional Clinic NGO' } });
      const all = await agent.get(`/cases/${s.caseId}/referrals/new`);
      expect(all.status).to.equal(200);
      expect(all.text).to.include(s.partnerId).and.include(inThailand).and.include(healthOnly.id).and.not.include(`value="${s.orgId}"`);
      const shelterInPh = await agent.get(`/cases/${s.caseId}/referrals/new?service=shelter&country=PH`);
      expect(shelterInPh.status).to.equal(200);
      expect(shelterInPh.text).to.include(s.partnerId).and.not.include(inThailand).and.not.include(healthOnly.id);
    });

    it('refuses an unknown filter field or a malformed country (422)', async () => {
      expect((await agent.get(`/cases/${s.caseId}/referrals/new?country[$ne]=x`)).status).to.equal(422);
      expect((await agent.get(`/cases/${s.caseId}/referrals/new?owner=x`)).status).to.equal(422);
    });
  });

  describe('POST /cases/:id/referrals', () => {
    it('makes a draft with a reference of the year, in the partner’s language, online when the partner has an account', async () => {
      const res = await post(`/cases/${s.caseId}/referrals`, draftBody(s.partnerId, { sections: ['identification', 'family'] }));
      expect(res.status).to.equal(303);
      const r = await referralOf(referralIdOf(res.headers.location));
      expect(r.status).to.equal('draft');
      expect(r.reference).to.match(new RegExp(`^RF-${new Date(now()).getUTCFullYear()}-00001$`));
      expect(r.locale).to.equal('fil');
      expect(r.offline).to.equal(false);
      expect([...r.sections]).to.deep.equal(['identification', 'family']);
      expect(r.snapshot?.secret).to.equal(undefined);
      const second = await post(`/cases/${s.caseId}/referrals`, draftBody(s.partnerId));
      expect((await referralOf(referralIdOf(second.headers.location))).reference).to.match(/-00002$/);
    });

    it('marks the draft offline when nobody at the partner can sign in', async () => {
      const offlinePartner = await buildPartner({ online: false });
      const res = await post(`/cases/${s.caseId}/referrals`, draftBody(offlinePartner));
      expect((await referralOf(referralIdOf(res.headers.location))).offline).to.equal(true);
    });

    for (const [name, body] of [
      ['no form at all', {}],
      ['a partner that does not offer the service', draftBody('', { service: 'legal_aid' })],
      ['the sending organisation itself', 'own'],
      ['a past due date', draftBody('', { dueDate: day(-1) })],
      ['nothing to share', draftBody('', { sections: [] })],
      ['a status field', draftBody('', { status: 'sent' })],
      ['a note of another case', 'foreign-note'],
    ] as const) {
      it(`refuses ${name} with 422 and makes nothing`, async () => {
        let sent: Record<string, unknown> = typeof body === 'object' ? { ...body } : {};
        if (typeof body === 'object' && 'toOrganisationId' in body) sent.toOrganisationId = s.partnerId;
        if (body === 'own') sent = draftBody(s.orgId);
        if (body === 'foreign-note') {
          const other = await buildUser({ roles: ['caseworker'], organisationId: s.orgId, team: 'north' });
          const otherCase = await buildCase(other, {}, { team: 'north' });
          await addNote(callerOf(other, 'north'), otherCase, { type: 'phone', date: day(-2), language: 'en', text: 'Fictional note of another case.' });
          const note = (await CaseNoteModel.findOne({ caseId: otherCase }).lean())!;
          sent = draftBody(s.partnerId, { noteIds: [String(note._id)] });
        }
        const res = await post(`/cases/${s.caseId}/referrals`, sent);
        expect(res.status).to.equal(422);
        expect(res.text).to.include('error-summary');
        expect(await ReferralModel.countDocuments({})).to.equal(0);
      });
    }
  });

  describe('editing a draft', () => {
    let id: string;
    beforeEach(async () => {
      id = referralIdOf((await post(`/cases/${s.caseId}/referrals`, draftBody(s.partnerId))).headers.location);
    });

    it('saves new choices under the version shown, and refuses a save from an old page (409)', async () => {
      const form = await agent.get(`/referrals/${id}/edit`);
      expect(form.status).to.equal(200);
      const version = /name="version" value="(\d+)"/.exec(form.text)![1]!;
      const saved = await post(`/referrals/${id}`, draftBody(s.partnerId, { version, urgency: 'immediate', sections: ['identification', 'contact'] }));
      expect(saved.status).to.equal(303);
      const r = await referralOf(id);
      expect(r.urgency).to.equal('immediate');
      expect([...r.sections]).to.deep.equal(['identification', 'contact']);
      const stale = await post(`/referrals/${id}`, draftBody(s.partnerId, { version, urgency: 'routine' }));
      expect(stale.status).to.equal(409);
      expect((await referralOf(id)).urgency).to.equal('immediate');
    });

    it('answers 404 to a caseworker of the same organisation the case is not assigned to', async () => {
      const stranger = await buildUser({ roles: ['caseworker'], organisationId: s.orgId, team: 'south' });
      const other = await signIn(app, stranger);
      expect((await other.get(`/referrals/${id}/edit`)).status).to.equal(404);
      expect((await other.get(`/referrals/${id}/preview`)).status).to.equal(404);
    });

    it('previews the snapshot in the partner’s language, marked with its lang, without saving it', async () => {
      const res = await agent.get(`/referrals/${id}/preview`);
      expect(res.status).to.equal(200);
      expect(res.text).to.match(/class="referral-preview" lang="fil" dir="ltr"/);
      // The shared sections' headings come from the Filipino labels, the page around them from the reader's.
      const fil = JSON.parse(readFileSync('locales/fil/referrals.json', 'utf8')) as { sectionName: Record<string, string> };
      const en = JSON.parse(readFileSync('locales/en/referrals.json', 'utf8')) as { preview: Record<string, string> };
      expect(res.text).to.include(fil.sectionName.identification).and.include(en.preview.title);
      expect(res.text).to.include('Testchild');
      expect(res.text).not.to.include('referral-preview -->');
      expect((await referralOf(id)).snapshot?.secret).to.equal(undefined);
    });

    it('lists the referral on the case page with a link, and offers a new one', async () => {
      const page = await agent.get(`/cases/${s.caseId}`);
      expect(page.status).to.equal(200);
      const r = await referralOf(id);
      expect(page.text).to.include(`href="/referrals/${id}"`).and.include(r.reference).and.include(`/cases/${s.caseId}/referrals/new`);
    });
  });

  describe('in the pseudo-locale', () => {
    it('every sending-side page and form has no untranslated text', async () => {
      const i18n = await createI18n({ extra: pseudoResources() });
      const pseudoApp = await testApp({ i18n });
      await UserModel.collection.updateOne({ _id: new Types.ObjectId(s.worker.id) }, { $set: { locale: PSEUDO } });
      const as = await signIn(pseudoApp, s.worker);
      const draft = referralIdOf((await post(`/cases/${s.caseId}/referrals`, draftBody(s.partnerId))).headers.location);
      const sent = await buildReferral(s.caseId, s.partnerId, s.worker.id, { status: 'accepted', offline: true });
      const [r1, r2] = [await referralOf(draft), await referralOf(sent)];
      const name = (await UserModel.findById(s.worker.id).lean())!.name;
      const caseNumber = (await CaseModel.findById(s.caseId).lean())!.caseNumber;
      const sender = (await OrganisationModel.findById(s.orgId).lean())!.name!.en!;
      // What people typed and named: the partner's name, the references, the child's fictional details, the request.
      const data = [name, caseNumber, r1.reference, r2.reference, 'Fictional Partner Shelter', 'Fictional request: a safe bed for a fictional child.', 'Fictional request: a safe place for a fictional child.', 'Testchild', 'Fictional', sender, 'PH', 'Philippines'];
      // Country names are Intl's, in the pseudo-locale's base language.
      for (const path of [`/cases/${s.caseId}/referrals/new`, `/referrals/${draft}`, `/referrals/${draft}/edit`, `/referrals/${sent}`]) {
        const res = await as.get(`${path}?lng=${PSEUDO}`);
        expect(res.status, path).to.equal(200);
        expect(res.text, path).to.include('⟦');
        expect(untranslated(res.text, data).filter((text) => !/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/.test(text.trim())), path).to.deep.equal([]);
      }
    });
  });
});

