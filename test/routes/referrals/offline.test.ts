/**
 * Partners without Haven accounts (DOMAIN.md "Referral"): the referral is sent as any other (consent,
 * snapshot, status `sent`) when the caseworker sends it, the PDF form is printed from that snapshot,
 * and the caseworker then records how the form was delivered and each answer that came back, dated the
 * day it came: acknowledged, accepted or declined with a reason, started, completed.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import type request from 'supertest';
import { testApp } from '../../helpers/app.js';
import { useDatabase } from '../../helpers/db.js';
import { buildReferral } from '../../helpers/referrals.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';
import { buildSender, day, draftBody, giveConsent, rawReferral, referralIdOf, referralOf, type Sender } from './sender-setup.js';

describe('offline partners', () => {
  useDatabase('referraloffline');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let s: Sender;
  let agent: Agent;
  let token: string;
  let id: string;
  beforeEach(async () => {
    s = await buildSender({ online: false });
    await giveConsent(s);
    agent = await signIn(app, s.worker);
    token = await tokenOf(agent);
    id = referralIdOf((await post(`/cases/${s.caseId}/referrals`, draftBody(s.partnerId))).headers.location);
    expect((await post(`/referrals/${id}/send`)).status).to.equal(303);
  });

  const post = (path: string, body: Record<string, unknown> = {}): Promise<request.Response> => agent.post(path).type('form').send({ _csrf: token, ...body });

  async function expectRefusedUnchanged(path: string, body: Record<string, unknown>): Promise<request.Response> {
    const before = JSON.stringify(await rawReferral(id));
    const res = await post(path, body);
    expect(res.status).to.equal(422);
    expect(JSON.stringify(await rawReferral(id))).to.equal(before);
    return res;
  }

  it('is sent offline when the caseworker sends it, with the snapshot the PDF form is printed from', async () => {
    const r = await referralOf(id);
    expect(r).to.deep.include({ status: 'sent', offline: true });
    expect(r.snapshot!.version).to.equal(1);
    const page = await agent.get(`/referrals/${id}`);
    expect(page.text).to.include(`/referrals/${id}/form.pdf`).and.include(`action="/referrals/${id}/delivery"`).and.include(`action="/referrals/${id}/answer"`);
  });

  it('records the delivery, and refuses a date in the future or before sending', async () => {
    expect((await post(`/referrals/${id}/delivery`, { method: 'post', date: day(0) })).status).to.equal(303);
    const r = await referralOf(id);
    expect(r.delivery!.method).to.equal('post');
    expect(r.delivery!.sentAt!.toISOString().slice(0, 10)).to.equal(day(0));
    expect(String(r.delivery!.recordedBy)).to.equal(s.worker.id);
    const future = await expectRefusedUnchanged(`/referrals/${id}/delivery`, { method: 'hand', date: day(1) });
    expect(future.text).to.include('The date cannot be in the future.');
    await expectRefusedUnchanged(`/referrals/${id}/delivery`, { method: 'hand', date: day(-5) });
    await expectRefusedUnchanged(`/referrals/${id}/delivery`, { method: 'pigeon', date: day(0) });
  });

  it('records the answers through to completion, each dated the day it came', async () => {
    for (const move of ['acknowledge', 'accept', 'start', 'complete']) {
      const res = await post(`/referrals/${id}/answer`, { move, date: day(0), reason: '', note: `Fictional: ${move} by phone.`, language: 'en' });
      expect(res.status, move).to.equal(303);
    }
    const r = await referralOf(id);
    expect(r.status).to.equal('completed');
    expect(r.steps.map((st) => st.to)).to.deep.equal(['sent', 'acknowledged', 'accepted', 'in_progress', 'completed']);
    expect(r.steps.every((st) => String(st.byOrganisationId) === s.orgId)).to.equal(true);
    expect(r.completedAt!.toISOString()).to.equal(`${day(0)}T00:00:00.000Z`);
  });

  it('records a decline with its reason, and refuses one without', async () => {
    const missing = await expectRefusedUnchanged(`/referrals/${id}/answer`, { move: 'decline', date: day(0), reason: '', note: '', language: 'en' });
    expect(missing.text).to.include('Choose why the referral is declined.');
    expect((await post(`/referrals/${id}/answer`, { move: 'decline', date: day(0), reason: 'no_capacity', note: '', language: 'en' })).status).to.equal(303);
    const r = await referralOf(id);
    expect(r).to.deep.include({ status: 'declined', declineReason: 'no_capacity' });
  });

  it('refuses an answer the state does not allow, and revoking through the answer form', async () => {
    await expectRefusedUnchanged(`/referrals/${id}/answer`, { move: 'complete', date: day(0), reason: '', note: '', language: 'en' });
    await expectRefusedUnchanged(`/referrals/${id}/answer`, { move: 'revoke', date: day(0), reason: '', note: '', language: 'en' });
    await expectRefusedUnchanged(`/referrals/${id}/answer`, { move: 'acknowledge', date: day(2), reason: '', note: '', language: 'en' });
  });

  it('refuses to record answers or a delivery for a partner that answers in Haven itself', async () => {
    const online = await buildReferral(s.caseId, s.partnerId, s.worker.id, { status: 'sent', offline: false });
    const before = JSON.stringify(await rawReferral(online));
    expect((await post(`/referrals/${online}/answer`, { move: 'acknowledge', date: day(0), reason: '', note: '', language: 'en' })).status).to.equal(422);
    expect((await post(`/referrals/${online}/delivery`, { method: 'post', date: day(0) })).status).to.equal(422);
    expect(JSON.stringify(await rawReferral(online))).to.equal(before);
  });

  it('refuses anything once the referral is final', async () => {
    await post(`/referrals/${id}/answer`, { move: 'decline', date: day(0), reason: 'outside_area', note: '', language: 'en' });
    await expectRefusedUnchanged(`/referrals/${id}/delivery`, { method: 'post', date: day(0) });
    await expectRefusedUnchanged(`/referrals/${id}/answer`, { move: 'acknowledge', date: day(0), reason: '', note: '', language: 'en' });
  });
});
