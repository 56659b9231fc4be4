/**
 * The demo referrals (services/demo/referrals.ts): every state of the status machine, partner staff who
 * read Thai, Khmer and Vietnamese, messages in the partner's language and a translation, an offline
 * partner with a recorded delivery, some overdue; run twice, it adds nothing.
 */
import { now as clockNow } from '../../helpers/clock.js';
import { expect } from 'chai';
import type { Role } from '../../../src/domain/permissions.js';
import { REFERRAL_STATUSES } from '../../../src/domain/referrals.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { OrganisationModel } from '../../../src/models/organisation.js';
import { ReferralMessageModel } from '../../../src/models/referral-message.js';
import { ReferralModel } from '../../../src/models/referral.js';
import { UserModel } from '../../../src/models/user.js';
import { registerCase } from '../../../src/services/cases/cases.js';
import { seedDemoReferrals } from '../../../src/services/demo/referrals.js';
import { seedDemo } from '../../../src/services/demo/seed.js';
import { DEMO_PASSWORD } from '../../../src/services/demo/users.js';
import { caseDetails } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';

describe('demo referrals (services/demo/referrals.ts)', function () {
  this.timeout(180_000);
  useDatabase('referraldemo');

  it('seeds referrals in every state, answered in Thai, Khmer and Vietnamese, one offline delivery, and only once', async () => {
    await seedDemo();
    for (const code of ['PH-DEMO-LIWANAG', 'KH-DEMO-PONLEU']) {
      const org = (await OrganisationModel.findOne({ code }).lean())!;
      const u = (await UserModel.findOne({ organisationId: org._id, roles: 'caseworker', demo: true }).lean())!;
      const worker = { userId: String(u._id), organisationId: String(org._id), roles: u.roles as Role[], team: u.team ?? undefined, ip: '127.0.0.1' };
      for (let i = 0; i < 14; i++) await registerCase(worker, caseDetails({}));
    }

    const made = await seedDemoReferrals();
    const referrals = await ReferralModel.find({}).lean();
    expect(referrals).to.have.length(made);
    expect(new Set(referrals.map((r) => r.status))).to.deep.equal(new Set(REFERRAL_STATUSES));
    expect(referrals.every((r) => r.demo)).to.equal(true);
    const to = new Set(referrals.map((r) => String(r.toOrganisationId)));
    const countries = new Set((await OrganisationModel.find({}).lean()).filter((o) => to.has(String(o._id))).map((o) => o.country));
    expect(countries.size, 'partners in several countries').to.be.greaterThan(3);
    const now = clockNow();
    expect(referrals.some((r) => ['sent', 'acknowledged'].includes(r.status) && r.dueDate.getTime() < now), 'one overdue').to.equal(true);
    expect(referrals.some((r) => r.status === 'completed' && r.completedAt && r.sentAt && r.completedAt.getTime() - r.sentAt.getTime() > 7 * 86_400_000), 'dated in the past').to.equal(true);

    // Partner staff reading Thai, Khmer and Vietnamese, signing in like the other demo accounts.
    for (const [email, locale] of [['partner.th@demo.haven.example', 'th'], ['partner.kh@demo.haven.example', 'km'], ['partner.vn@demo.haven.example', 'vi']] as const) {
      const user = (await UserModel.findOne({ email }).lean())!;
      expect(user, email).to.not.equal(null);
      expect(user).to.include({ locale, status: 'active', demo: true });
      expect(user.roles).to.deep.equal(['partner']);
      expect(user.mfa?.secret, 'a second factor, as every demo account').to.match(/^v1:/);
    }
    expect(DEMO_PASSWORD).to.be.a('string');

    const messages = await ReferralMessageModel.find({ side: 'partner' }).lean();
    expect(new Set(messages.map((m) => m.language))).to.include.members(['th', 'km', 'vi']);
    expect(messages.every((m) => m.demo)).to.equal(true);
    expect(referrals.some((r) => r.translations.some((t) => ['th', 'km', 'vi'].includes(t.language))), 'a translation').to.equal(true);
    expect(referrals.some((r) => r.lastMessageSide === 'partner'), 'a message waiting for the caseworker').to.equal(true);

    const offline = (await OrganisationModel.findOne({ code: 'PH-DEMO-PARISH' }).lean())!;
    expect(await UserModel.countDocuments({ organisationId: offline._id })).to.equal(0);
    const toOffline = referrals.filter((r) => String(r.toOrganisationId) === String(offline._id));
    expect(toOffline.length).to.be.greaterThan(0);
    expect(toOffline.every((r) => r.offline)).to.equal(true);
    expect(toOffline.some((r) => r.delivery?.method === 'hand' && r.delivery.sentAt)).to.equal(true);

    // The reporting facts count each sent referral.
    for (const r of referrals.filter((x) => x.status !== 'draft')) {
      const facts = (await CaseFactModel.findOne({ caseId: r.caseId }).lean())!;
      expect(facts.referrals.length, String(r._id)).to.be.greaterThan(0);
    }

    expect(await seedDemoReferrals()).to.equal(0);
    expect(await ReferralModel.countDocuments({})).to.equal(made);
  });
});
