/**
 * Referrals in the reporting facts (services/referrals/facts.ts) and what a case's closure does to its
 * open referrals (services/cases/closure.ts): revoked in the closure's transaction, the partner told.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import type { ReferralMove, ReferralSide } from '../../../src/domain/referrals.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { ClosureProposalModel } from '../../../src/models/closure-proposal.js';
import { NotificationModel } from '../../../src/models/notification.js';
import { ReferralModel } from '../../../src/models/referral.js';
import { approveClosure, proposeClosure } from '../../../src/services/cases/closure.js';
import { factsAreCurrent } from '../../../src/services/facts/rebuild.js';
import { applyMove, type LeanReferral } from '../../../src/services/referrals/referrals.js';
import { referralOutcome } from '../../../src/services/referrals/facts.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { advance } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { buildReferral } from '../../helpers/referrals.js';

const DAY = 86_400_000;

describe('referrals in the reporting facts, and closure revoking open referrals', () => {
  useDatabase('referralfacts');
  let worker: TestUser;
  let supervisor: TestUser;
  let partnerUser: TestUser;
  let partnerOrg: string;

  beforeEach(async () => {
    const org = await buildOrganisation({ country: 'PH' });
    worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
    supervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: 'north' });
    partnerOrg = (await buildOrganisation({ kind: 'partner', country: 'TH', services: ['shelter'] })).id;
    partnerUser = await buildUser({ roles: ['partner'], organisationId: partnerOrg });
  });

  const load = async (id: string) => (await ReferralModel.findById(id).lean()) as LeanReferral;
  const facts = async (caseId: string) => (await CaseFactModel.findOne({ caseId: new Types.ObjectId(caseId) }).lean())!;

  async function move(id: string, m: ReferralMove, side: ReferralSide, input: { reason?: string } = {}) {
    const by = side === 'partner' ? callerOf(partnerUser) : callerOf(worker, 'north');
    await applyMove(by, await load(id), m, side, input);
  }

  it('follows a referral from sent to completed with whole days to acknowledge, accept and complete', async () => {
    const caseId = await buildCase(worker, {}, { team: 'north' });
    const draft = await buildReferral(caseId, partnerOrg, worker.id, { status: 'draft' });
    const before = await facts(caseId);
    expect(before.referrals, 'a draft is not a referral yet').to.deep.equal([]);

    await move(draft, 'send', 'sender');
    expect((await facts(caseId)).referrals).to.have.length(1);
    expect((await facts(caseId)).referrals[0]).to.include({ status: 'sent', outcome: 'open', service: 'shelter', toCountry: 'TH' });

    advance(2 * DAY);
    await move(draft, 'acknowledge', 'partner');
    advance(3 * DAY);
    await move(draft, 'accept', 'partner');
    advance(1 * DAY);
    await move(draft, 'start', 'partner');
    let f = (await facts(caseId)).referrals[0]!;
    expect(f).to.include({ status: 'in_progress', outcome: 'accepted', daysToAcknowledge: 2, daysToAccept: 5 });
    expect(f.daysToComplete).to.equal(undefined);

    advance(10 * DAY);
    await move(draft, 'complete', 'partner');
    f = (await facts(caseId)).referrals[0]!;
    expect(f).to.include({ status: 'completed', outcome: 'completed', daysToAcknowledge: 2, daysToAccept: 5, daysToComplete: 16 });
    expect(String(f.toOrganisationId)).to.equal(partnerOrg);
    expect(await factsAreCurrent(new Types.ObjectId(caseId)), 'rebuild computes the same').to.equal(true);
    // Codes, dates and counts: nothing the caseworker typed.
    expect(JSON.stringify(await CaseFactModel.collection.findOne({ caseId: new Types.ObjectId(caseId) }))).to.not.include('Fictional request');
  });

  it('records a decline with its reason and a revoke, each with the days it had', async () => {
    const caseId = await buildCase(worker, {}, { team: 'north' });
    const declined = await buildReferral(caseId, partnerOrg, worker.id);
    const revoked = await buildReferral(caseId, partnerOrg, worker.id);
    advance(4 * DAY);
    await move(declined, 'decline', 'partner', { reason: 'no_capacity' });
    await move(revoked, 'acknowledge', 'partner');
    await move(revoked, 'revoke', 'sender');
    const [a, b] = (await facts(caseId)).referrals;
    expect(a).to.include({ status: 'declined', outcome: 'declined:no_capacity' });
    expect(a!.daysToAcknowledge).to.equal(undefined);
    expect(b).to.include({ status: 'revoked', outcome: 'revoked', daysToAcknowledge: 4 });
    expect(await factsAreCurrent(new Types.ObjectId(caseId))).to.equal(true);
    expect(referralOutcome('acknowledged')).to.equal('open');
  });

  it('closing a case revokes its open referrals in the same step, notifies the partner, and leaves ended ones alone', async () => {
    const caseId = await buildCase(worker, {}, { team: 'north' });
    const sent = await buildReferral(caseId, partnerOrg, worker.id, { status: 'sent' });
    const accepted = await buildReferral(caseId, partnerOrg, worker.id, { status: 'accepted' });
    const completed = await buildReferral(caseId, partnerOrg, worker.id, { status: 'completed' });
    const draft = await buildReferral(caseId, partnerOrg, worker.id, { status: 'draft' });
    const today = new Date().toISOString().slice(0, 10);
    await proposeClosure(callerOf(worker, 'north'), caseId, { reason: 'moved_away', date: today, note: 'Fictional: the family moved away.', language: 'en' });
    const proposal = (await ClosureProposalModel.findOne({ caseId }).lean())!;
    expect(await NotificationModel.countDocuments({ userId: new Types.ObjectId(partnerUser.id) })).to.equal(0);

    await approveClosure(callerOf(supervisor, 'north'), caseId, String(proposal._id));

    for (const [id, from] of [[sent, 'sent'], [accepted, 'accepted']] as const) {
      const r = await load(id);
      expect(r.status).to.equal('revoked');
      expect(r.revokedAt).to.be.instanceOf(Date);
      const step = r.steps.at(-1)!;
      expect(step).to.include({ from, to: 'revoked' });
      expect(String(step.by)).to.equal(supervisor.id);
      expect(step.secret, 'no note').to.equal(undefined);
    }
    expect((await load(completed)).status).to.equal('completed');
    expect((await load(draft)).status).to.equal('draft');
    const notices = await NotificationModel.find({ userId: new Types.ObjectId(partnerUser.id) }).lean();
    expect(notices.map((n) => String(n.referralId)).sort()).to.deep.equal([sent, accepted].sort());
    expect(notices.every((n) => n.status === 'revoked' && n.kind === 'state')).to.equal(true);
    const f = await facts(caseId);
    expect(f.status).to.equal('closed');
    expect(f.referrals.map((r) => r.outcome)).to.deep.equal(['revoked', 'revoked', 'completed']);
  });
});
