/**
 * The consent gate at sending (SECURITY.md C4, P1): a referral goes only with a recorded consent for
 * that purpose and that organisation, dated today or before and not withdrawn. Without one, sending is
 * refused (422, translated, nothing changes) and audited; a supervisor may send anyway with a written
 * reason (sealed, audited); a caseworker's override is refused. A withdrawal blocks at once.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import type request from 'supertest';
import type { AuditAction, AuditOutcome, AuditReason } from '../../../src/domain/audit.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { ReferralFileModel } from '../../../src/models/referral-file.js';
import { unseal } from '../../../src/services/cases/records.js';
import { addConsent, withdrawConsent } from '../../../src/services/cases/family.js';
import { CaseModel } from '../../../src/models/case.js';
import { UserModel } from '../../../src/models/user.js';
import { testApp } from '../../helpers/app.js';
import { useDatabase } from '../../helpers/db.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';
import { buildPartner, buildSender, day, draftBody, giveConsent, rawReferral, referralIdOf, referralOf, type Sender } from './sender-setup.js';

describe('the consent gate', () => {
  useDatabase('referralconsent');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let s: Sender;
  let worker: Agent;
  let supervisor: Agent;
  let id: string;
  beforeEach(async () => {
    s = await buildSender();
    worker = await signIn(app, s.worker);
    supervisor = await signIn(app, s.supervisor);
    id = referralIdOf((await post(worker, `/cases/${s.caseId}/referrals`, draftBody(s.partnerId))).headers.location);
  });

  async function post(as: Agent, path: string, body: Record<string, unknown> = {}): Promise<request.Response> {
    return as.post(path).type('form').send({ _csrf: await tokenOf(as), ...body });
  }

  const audits = (action: AuditAction, outcome: AuditOutcome, reason?: AuditReason) => AuditEntryModel.countDocuments({ action, outcome, ...(reason ? { reason } : {}), recordId: id });

  async function expectRefusedUnchanged(as: Agent, body: Record<string, unknown> = {}): Promise<request.Response> {
    const before = JSON.stringify(await rawReferral(id));
    const res = await post(as, `/referrals/${id}/send`, body);
    expect(res.status).to.equal(422);
    expect(JSON.stringify(await rawReferral(id))).to.equal(before);
    expect(await ReferralFileModel.countDocuments({ referralId: id })).to.equal(0);
    return res;
  }

  it("the draft's send form says whether a consent for the organisation is recorded, before anyone presses Send", async () => {
    const before = (await worker.get(`/referrals/${id}`)).text;
    expect(before).to.include('No consent for referral to this organisation is recorded on the case.').and.include(`href="/cases/${s.caseId}/consents/new"`);
    expect(before).to.not.include('Consent recorded for this organisation');
    await giveConsent(s);
    const after = (await worker.get(`/referrals/${id}`)).text;
    expect(after).to.match(/Consent recorded for this organisation: Guardian, /);
    expect(after).to.not.include('No consent for referral to this organisation');
  });

  it('refuses to send without a consent, with the translated reason, and audits consent_missing', async () => {
    const res = await expectRefusedUnchanged(worker);
    expect(res.text).to.include('There is no recorded consent to refer this child to this organisation.');
    expect(await audits('referral_step', 'failure', 'consent_missing')).to.equal(1);
  });

  it('says it in the reader’s language', async () => {
    await UserModel.updateOne({ _id: s.worker.id }, { $set: { locale: 'th' } });
    const res = await post(worker, `/referrals/${id}/send`);
    expect(res.status).to.equal(422);
    expect(res.text).to.include('ไม่มีการบันทึกความยินยอมให้ส่งต่อเด็กคนนี้ไปยังองค์กรนี้');
  });

  it('sends with a consent to this organisation, and records which one', async () => {
    const consentId = await giveConsent(s);
    expect((await post(worker, `/referrals/${id}/send`)).status).to.equal(303);
    const r = await referralOf(id);
    expect(r.status).to.equal('sent');
    expect(String(r.consent!.consentId)).to.equal(consentId);
    expect(r.consent!.override).to.equal(false);
    expect(await audits('referral_step', 'success')).to.equal(1);
  });

  it('does not count a consent to another organisation, for another purpose, or dated after today', async () => {
    await giveConsent(s, await buildPartner());
    // A consent dated ahead (as a form signed for a later day would be), written straight into the case.
    await CaseModel.updateOne({ _id: s.caseId }, { $push: { consents: { purpose: 'referral', organisationId: new Types.ObjectId(s.partnerId), givenBy: 'guardian', date: new Date(`${day(3)}T00:00:00Z`), formVersion: 'fictional-1', recordedBy: new Types.ObjectId(s.worker.id) } } });
    await addConsent(s.workerCaller, s.caseId, { purpose: 'services', organisationId: '', givenBy: 'guardian', date: day(-1), formVersion: 'fictional-1' });
    await expectRefusedUnchanged(worker);
  });

  it('blocks at once when the consent was withdrawn after the draft was made', async () => {
    const consentId = await giveConsent(s);
    await withdrawConsent(s.workerCaller, s.caseId, consentId, { date: day(0), reason: 'Fictional: the guardian changed their mind.' });
    await expectRefusedUnchanged(worker);
    expect(await audits('referral_step', 'failure', 'consent_missing')).to.equal(1);
  });

  it('lets a supervisor send without consent with a written reason, sealed and audited as an override', async () => {
    const reason = 'Fictional: the child is in danger tonight and the guardian cannot be reached.';
    expect((await post(supervisor, `/referrals/${id}/send`, { overrideReason: reason })).status).to.equal(303);
    const r = await referralOf(id);
    expect(r.status).to.equal('sent');
    expect(r.consent!.override).to.equal(true);
    expect(String(r.consent!.by)).to.equal(s.supervisor.id);
    expect(unseal<{ text: string }>(r.consent!.overrideSecret, { text: '' }).text).to.equal(reason);
    expect(JSON.stringify(await rawReferral(id))).not.to.include('guardian cannot be reached');
    expect(await audits('consent_override', 'success')).to.equal(1);
    const page = await supervisor.get(`/referrals/${id}`);
    expect(page.text).to.include('Sent without recorded consent').and.include('guardian cannot be reached');
  });

  it('refuses a supervisor’s override without a reason, and asks for one', async () => {
    const res = await expectRefusedUnchanged(supervisor, { overrideReason: '   ' });
    expect(res.text).to.include('Write why the referral must go without consent.');
    expect(await audits('consent_override', 'success')).to.equal(0);
  });

  it('refuses a caseworker’s override attempt and audits it as denied', async () => {
    const res = await expectRefusedUnchanged(worker, { overrideReason: 'Fictional: I think it cannot wait.' });
    expect(res.text).to.include('Only a supervisor can send a referral without recorded consent.');
    expect(await audits('consent_override', 'denied', 'no_permission')).to.equal(1);
    expect(await audits('consent_override', 'success')).to.equal(0);
  });

  it('refuses an updated snapshot once the consent the referral relied on is withdrawn', async () => {
    const consentId = await giveConsent(s);
    await post(worker, `/referrals/${id}/send`);
    await withdrawConsent(s.workerCaller, s.caseId, consentId, { date: day(0), reason: 'Fictional: withdrawn.' });
    const before = JSON.stringify(await rawReferral(id));
    expect((await post(worker, `/referrals/${id}/snapshot`)).status).to.equal(422);
    expect(JSON.stringify(await rawReferral(id))).to.equal(before);
  });
});
