/**
 * Referrals on the start page: a partner's new, open and overdue referrals (only their organisation's),
 * and a caseworker's My work (referrals they sent waiting for an answer, and new partner messages).
 */
import { now } from '../../helpers/clock.js';
import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import { ReferralModel } from '../../../src/models/referral.js';
import { startPage, workBlock, startContext } from '../../../src/services/home/start-page.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { testApp } from '../../helpers/app.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { buildReferral } from '../../helpers/referrals.js';
import { signIn } from '../../helpers/session.js';

const DAY = 86_400_000;

describe('referrals on the start page and in My work', () => {
  useDatabase('referralwork');
  let app: Express;
  let worker: TestUser;
  let colleague: TestUser;
  let partner: TestUser;
  let partnerOrg: string;
  let otherPartnerOrg: string;

  before(async () => {
    app = await testApp();
  });

  beforeEach(async () => {
    const org = await buildOrganisation();
    worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
    colleague = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
    partnerOrg = (await buildOrganisation({ kind: 'partner', services: ['shelter'] })).id;
    otherPartnerOrg = (await buildOrganisation({ kind: 'partner', services: ['shelter'] })).id;
    partner = await buildUser({ roles: ['partner'], organisationId: partnerOrg });
  });

  const ago = (days: number) => new Date(now() - days * DAY);

  it("counts a partner's new, open and overdue referrals, never another organisation's, and links to the inbox and each referral", async () => {
    const caseId = await buildCase(worker, {}, { team: 'north' });
    const fresh = await buildReferral(caseId, partnerOrg, worker.id, { status: 'sent' });
    const late = await buildReferral(caseId, partnerOrg, worker.id, { status: 'acknowledged', dueDate: ago(3) });
    await buildReferral(caseId, partnerOrg, worker.id, { status: 'in_progress', dueDate: ago(3) });
    // Not counted: ended, a draft, and everything addressed to another partner.
    await buildReferral(caseId, partnerOrg, worker.id, { status: 'completed' });
    await buildReferral(caseId, partnerOrg, worker.id, { status: 'draft' });
    for (const status of ['sent', 'acknowledged', 'accepted'] as const) await buildReferral(caseId, otherPartnerOrg, worker.id, { status, dueDate: ago(5) });

    const { blocks } = await startPage(callerOf(partner));
    const data = blocks.find((b) => b.id === 'referrals')!.data as { counts: { new: number; open: number; overdue: number }; rows: { id: string; overdue: boolean }[] };
    expect(data.counts).to.deep.equal({ new: 1, open: 3, overdue: 1 });
    expect(data.rows).to.have.length(3);
    expect(data.rows.find((r) => r.id === late)!.overdue).to.equal(true);
    expect(data.rows.find((r) => r.id === fresh)!.overdue).to.equal(false);

    const agent = await signIn(app, partner);
    const html = (await agent.get('/').expect(200)).text;
    const section = html.slice(html.indexOf('aria-labelledby="start-referrals"'));
    expect(section).to.include('href="/partner/referrals?filter=new"><span class="start-count">1</span> new referral</a>');
    expect(section).to.include('href="/partner/referrals?filter=open"><span class="start-count">3</span> open referrals</a>');
    expect(section).to.include('<span class="start-count start-overdue">1</span> overdue referral</a>');
    expect(section).to.include(`href="/partner/referrals/${late}"`).and.include(`href="/partner/referrals/${fresh}"`);
    expect(section).to.not.match(/href="\/cases/);
  });

  it('shows a partner with nothing open that nothing is open', async () => {
    const agent = await signIn(app, partner);
    const html = (await agent.get('/').expect(200)).text;
    expect(html).to.include('No referral is open with your organisation.');
  });

  it("lists the caseworker's own referrals waiting for an answer by due date, overdue marked, and new partner messages newest first", async () => {
    const mine = await buildCase(worker, {}, { team: 'north' });
    const theirs = await buildCase(colleague, {}, { team: 'north' });
    const overdue = await buildReferral(mine, partnerOrg, worker.id, { status: 'sent', dueDate: ago(2) });
    const soon = await buildReferral(mine, partnerOrg, worker.id, { status: 'acknowledged', dueDate: ago(-3) });
    await buildReferral(mine, partnerOrg, worker.id, { status: 'accepted', dueDate: ago(2) }); // answered: not waiting
    await buildReferral(theirs, partnerOrg, colleague.id, { status: 'sent', dueDate: ago(2) }); // a colleague's
    const older = await buildReferral(mine, partnerOrg, worker.id, { status: 'accepted' });
    const newer = await buildReferral(mine, partnerOrg, worker.id, { status: 'in_progress' });
    const answered = await buildReferral(mine, partnerOrg, worker.id, { status: 'accepted' });
    const colleagues = await buildReferral(theirs, partnerOrg, colleague.id, { status: 'accepted' });
    const mark = (id: string, side: 'partner' | 'sender', days: number) => ReferralModel.updateOne({ _id: new Types.ObjectId(id) }, { $set: { lastMessageSide: side, lastMessageAt: ago(days) } });
    await Promise.all([mark(older, 'partner', 3), mark(newer, 'partner', 1), mark(answered, 'sender', 0), mark(colleagues, 'partner', 0)]);

    const ctx = startContext(callerOf(worker, 'north'));
    const waiting = await workBlock(ctx, 'referral_waiting', 'caseworker');
    expect(waiting.rows.map((r) => r.href)).to.deep.equal([`/referrals/${overdue}`, `/referrals/${soon}`]);
    expect(waiting.rows[0]!.mark).to.equal('overdue');
    expect(waiting.rows[1]!.mark).to.not.equal('overdue');
    expect(waiting).to.include({ total: 2, overdue: 1, hidden: false });
    const messages = await workBlock(ctx, 'referral_message', 'caseworker');
    expect(messages.rows.map((r) => r.href)).to.deep.equal([`/referrals/${newer}`, `/referrals/${older}`]);
    expect(messages.rows.every((r) => r.mark === undefined && r.received)).to.equal(true);

    const agent = await signIn(app, worker);
    const html = (await agent.get('/').expect(200)).text;
    const w = html.slice(html.indexOf('aria-labelledby="start-my-referrals-waiting"'));
    expect(w).to.include('Referrals waiting for an answer <span class="start-tally">· 2</span>');
    expect(w.slice(0, w.indexOf('</section>'))).to.include('>Overdue</strong>').and.include('1 overdue.');
    const m = html.slice(html.indexOf('aria-labelledby="start-my-referral-messages"'));
    expect(m.slice(0, m.indexOf('</section>'))).to.include('New messages from partners <span class="start-tally">· 2</span>').and.include('Received').and.include(`href="/referrals/${newer}"`);

    // The colleague sees only their own.
    const other = await workBlock(startContext(callerOf(colleague, 'north')), 'referral_message', 'caseworker');
    expect(other.rows.map((r) => r.href)).to.deep.equal([`/referrals/${colleagues}`]);
  });
});
