/**
 * The sender's moves through the status machine of domain/referrals.ts: from each open state the
 * sender may send an updated snapshot and revoke (with a note the partner reads, sealed); from a final
 * state every move is refused with 422 and changes nothing. The partner loses sight of a revoked
 * referral at its next request (C3).
 */
import { expect } from 'chai';
import type { Express } from 'express';
import type request from 'supertest';
import fc from 'fast-check';
import { FINAL_STATUSES, OPEN_STATUSES, REFERRAL_MOVES, REFERRAL_STATUSES, movesFor, movesForOffline, type ReferralStatus } from '../../../src/domain/referrals.js';
import { answersFor } from '../../../src/services/referrals/send.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { unseal } from '../../../src/services/cases/records.js';
import { testApp } from '../../helpers/app.js';
import { useDatabase } from '../../helpers/db.js';
import { buildUser } from '../../helpers/factories.js';
import { buildReferral } from '../../helpers/referrals.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';
import { buildSender, giveConsent, rawReferral, referralOf, type Sender } from './sender-setup.js';

describe('the sender’s moves', () => {
  useDatabase('referralmoves');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  let s: Sender;
  let agent: Agent;
  let token: string;
  beforeEach(async () => {
    s = await buildSender();
    await giveConsent(s);
    agent = await signIn(app, s.worker);
    token = await tokenOf(agent);
  });

  const post = (path: string, body: Record<string, unknown> = {}): Promise<request.Response> => agent.post(path).type('form').send({ _csrf: token, ...body });
  const referralIn = (status: ReferralStatus) => buildReferral(s.caseId, s.partnerId, s.worker.id, { status });

  for (const status of OPEN_STATUSES) {
    describe(`from ${status}`, () => {
      it('revokes with a sealed note and a step, and the partner no longer sees it', async () => {
        const id = await referralIn(status);
        const partner = await buildUser({ roles: ['partner'], organisationId: s.partnerId });
        const partnerAgent = await signIn(app, partner);
        expect((await partnerAgent.get(`/partner/referrals/${id}`)).status).to.equal(200);
        const res = await post(`/referrals/${id}/revoke`, { note: 'Fictional: the child was placed with family.', language: 'en' });
        expect(res.status).to.equal(303);
        const r = await referralOf(id);
        expect(r.status).to.equal('revoked');
        expect(r.revokedAt).to.be.instanceOf(Date);
        const step = r.steps.at(-1)!;
        expect(step).to.deep.include({ from: status, to: 'revoked', language: 'en' });
        expect(unseal<{ text: string }>(step.secret, { text: '' }).text).to.equal('Fictional: the child was placed with family.');
        expect(JSON.stringify(await rawReferral(id))).not.to.include('placed with family');
        expect((await partnerAgent.get(`/partner/referrals/${id}`)).status).to.equal(404);
      });

      it('sends an updated snapshot under the next version', async () => {
        const id = await referralIn(status);
        expect((await post(`/referrals/${id}/snapshot`)).status).to.equal(303);
        const r = await referralOf(id);
        expect(r.status).to.equal(status);
        expect(r.snapshot!.version).to.equal(2);
      });

      it('refuses to send it again (422), changing nothing', async () => {
        const id = await referralIn(status);
        const before = JSON.stringify(await rawReferral(id));
        expect((await post(`/referrals/${id}/send`)).status).to.equal(422);
        expect(JSON.stringify(await rawReferral(id))).to.equal(before);
      });
    });
  }

  for (const status of FINAL_STATUSES) {
    it(`refuses every move from ${status} with 422 and changes nothing`, async () => {
      const id = await referralIn(status);
      const before = JSON.stringify(await rawReferral(id));
      for (const [path, body] of [
        ['send', {}],
        ['snapshot', {}],
        ['revoke', { note: '', language: 'en' }],
      ] as const) {
        const res = await post(`/referrals/${id}/${path}`, body);
        expect(res.status, path).to.equal(422);
        expect(res.text).to.include('This referral is closed: nothing can change it any more.');
      }
      expect(JSON.stringify(await rawReferral(id))).to.equal(before);
      expect(await AuditEntryModel.countDocuments({ action: 'referral_step', outcome: 'failure', reason: 'transition_refused', recordId: id })).to.be.at.least(2);
    });
  }

  it('refuses to revoke a draft (422): a draft was never with the partner', async () => {
    const id = await referralIn('draft');
    expect((await post(`/referrals/${id}/revoke`, { note: '', language: 'en' })).status).to.equal(422);
    expect((await referralOf(id)).status).to.equal('draft');
  });

  it('offers on the page exactly the moves the state allows', async () => {
    const sent = await referralIn('sent');
    const page = await agent.get(`/referrals/${sent}`);
    expect(page.text).to.include(`action="/referrals/${sent}/revoke"`).and.include(`action="/referrals/${sent}/snapshot"`).and.not.include(`action="/referrals/${sent}/send"`);
    const revoked = await referralIn('revoked');
    const closed = await agent.get(`/referrals/${revoked}`);
    expect(closed.status).to.equal(200);
    expect(closed.text).not.to.include(`action="/referrals/${revoked}/revoke"`);
  });

  describe('the move table (property)', () => {
    it('gives the sender send from draft and revoke from each open state, and nothing from a final one', () => {
      fc.assert(
        fc.property(fc.constantFrom(...REFERRAL_STATUSES), (status) => {
          const moves = movesFor(status, 'sender');
          if (status === 'draft') return moves.join() === 'send';
          if (FINAL_STATUSES.includes(status)) return moves.length === 0 && movesForOffline(status).length === 0;
          return moves.join() === 'revoke' && answersFor(status).every((m) => REFERRAL_MOVES[m].side === 'partner' && (REFERRAL_MOVES[m].from as readonly string[]).includes(status));
        }),
      );
    });
  });
});
