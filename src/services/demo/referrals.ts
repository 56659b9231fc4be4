/**
 * Demo referrals for each demo NGO, made through the same services as real work: drafted and sent by
 * the demo caseworker behind the consent gate (a referral consent is recorded first where the case has
 * none for that partner), answered by the partner's demo staff in their own language (Thai, Khmer,
 * Vietnamese, Cebuano ...), with messages and a translation of the caseworker's note, one revoked by
 * the caseworker, and, for the offline partner (PH-DEMO-PARISH, no accounts), the delivery of the
 * PDF form and the answers recorded by the caseworker. Every state of the status machine is present;
 * some referrals are past their due date without an answer, so My work and the partner's start page
 * show them overdue.
 *
 * The services stamp each step with the present moment; a demo whose every referral happened today
 * would show no day counts in the reports. So once a referral has taken its path, its dates alone (the
 * steps', the stamps, the due date, the delivery) are moved back to the days its plan names, and the
 * case's reporting facts are recomputed. Nothing else is written around the services.
 *
 * Run after seedDemoClosures (a closure revokes the case's open referrals): only cases still open or
 * active are used. One claim per NGO, like the other demo seeders: a second run adds nothing.
 */
import { Types } from 'mongoose';
import type { Caller } from '../../domain/permissions.js';
import type { DECLINE_REASONS, ReferralMove, ReferralStatus } from '../../domain/referrals.js';
import { clock } from '../../lib/clock.js';
import { CaseModel } from '../../models/case.js';
import { OrganisationModel } from '../../models/organisation.js';
import { ReferralModel } from '../../models/referral.js';
import { trusted } from '../auth/trusted.js';
import { addConsent } from '../cases/family.js';
import { refreshCaseFacts } from '../facts/facts.js';
import { messageAsPartner, moveAsPartner, translateAsPartner } from '../partner/portal.js';
import { createDraft } from '../referrals/drafts.js';
import { messageAsSender } from '../referrals/messages.js';
import { consentFor, recordAnswer, recordDelivery, revokeReferral, sendReferral } from '../referrals/send.js';
import { claim, dayFromToday, staff } from './common.js';

const DAY = 86_400_000;

type DeclineReason = (typeof DECLINE_REASONS)[number];

type PartnerLanguage = 'th' | 'km' | 'vi' | 'ceb' | 'lo' | 'id';

/** What partner staff write, in their language; all of it made up, none of it about abuse. */
const PARTNER_TEXT: Record<PartnerLanguage, { message: string; translation: string }> = {
  th: {
    message: 'เราได้รับการส่งต่อแล้ว เจ้าหน้าที่จะโทรหาผู้ปกครองภายในสัปดาห์นี้ (ข้อมูลสาธิต)',
    translation: 'คำขอสาธิต: โปรดยืนยันว่าท่านให้บริการนี้ได้หรือไม่ และได้เมื่อใด (สมมติ)',
  },
  km: {
    message: 'យើងបានទទួលការបញ្ជូនករណីហើយ បុគ្គលិករបស់យើងនឹងទូរស័ព្ទទៅអាណាព្យាបាលក្នុងសប្តាហ៍នេះ (សាកល្បង)។',
    translation: 'សំណើសាកល្បង៖ សូមបញ្ជាក់ថាតើអ្នកអាចផ្តល់សេវានេះបានឬទេ និងនៅពេលណា (ប្រឌិត)។',
  },
  vi: {
    message: 'Chúng tôi đã nhận được chuyển gửi. Nhân viên sẽ gọi cho người giám hộ trong tuần này (dữ liệu mẫu).',
    translation: 'Yêu cầu mẫu: vui lòng xác nhận quý tổ chức có thể cung cấp dịch vụ này không và khi nào (hư cấu).',
  },
  ceb: {
    message: 'Nadawat namo ang referral. Motawag ang among kawani sa tig-atiman karong semanaha (demo).',
    translation: 'Demo nga hangyo: palihug ipahibalo kung makahatag mo niini nga serbisyo ug kanus-a (dili tinuod).',
  },
  lo: {
    message: 'ພວກເຮົາໄດ້ຮັບການສົ່ງຕໍ່ແລ້ວ ພະນັກງານຈະໂທຫາຜູ້ປົກຄອງໃນອາທິດນີ້ (ຂໍ້ມູນສາທິດ).',
    translation: 'ຄຳຂໍສາທິດ: ກະລຸນາຢືນຢັນວ່າທ່ານສາມາດໃຫ້ບໍລິການນີ້ໄດ້ບໍ່ ແລະ ເມື່ອໃດ (ສົມມຸດ).',
  },
  id: {
    message: 'Rujukan sudah kami terima. Petugas kami akan menelepon wali anak minggu ini (demo).',
    translation: 'Permintaan demo: mohon konfirmasi apakah lembaga Anda dapat memberikan layanan ini, dan kapan (fiktif).',
  },
};

const NOTE = 'Fictional demo request: please confirm whether you can offer this service, and by when.';
const REPLY = 'Thank you. The caseworker will call you on Monday to agree the first visit (demo).';
const REVOKE_NOTE = 'The family moved to another province; the child no longer needs this service (demo).';

interface Plan {
  partner: string;
  service: string;
  end: ReferralStatus;
  urgency: 'immediate' | 'within_72_hours' | 'within_2_weeks' | 'routine';
  /** How many days ago it was sent (drafts: started), and how many days after sending the answer was due. */
  sentDaysAgo: number;
  dueDays: number;
  declineReason?: DeclineReason;
  /** The partner wrote (in their language) and, when `reply`, the caseworker answered. */
  message?: boolean;
  reply?: boolean;
  /** The partner translated the caseworker's note into their language. */
  translation?: boolean;
}

/** The moves that lead to each state, after sending; revoked is reached from acknowledged by the sender. */
const PATH: Record<ReferralStatus, ReferralMove[]> = {
  draft: [],
  sent: [],
  acknowledged: ['acknowledge'],
  accepted: ['acknowledge', 'accept'],
  declined: ['acknowledge', 'decline'],
  in_progress: ['acknowledge', 'accept', 'start'],
  completed: ['acknowledge', 'accept', 'start', 'complete'],
  revoked: ['acknowledge'],
};

/** Days after the previous step that each state is reached, for the back-dated history. */
const GAP: Record<ReferralStatus, number> = { draft: 0, sent: 0, acknowledged: 1, accepted: 2, declined: 3, in_progress: 2, completed: 21, revoked: 6 };

const NGOS: readonly { code: string; plans: readonly Plan[] }[] = [
  {
    code: 'PH-DEMO-LIWANAG',
    plans: [
      { partner: 'PH-DEMO-SWDO', service: 'social_welfare', end: 'draft', urgency: 'routine', sentDaysAgo: 1, dueDays: 14 },
      { partner: 'TH-DEMO-BAANDEK', service: 'shelter', end: 'sent', urgency: 'within_72_hours', sentDaysAgo: 12, dueDays: 3 },
      { partner: 'VN-DEMO-SCHOOL', service: 'education', end: 'sent', urgency: 'within_2_weeks', sentDaysAgo: 2, dueDays: 14 },
      { partner: 'TH-DEMO-BAANDEK', service: 'counselling', end: 'acknowledged', urgency: 'within_2_weeks', sentDaysAgo: 25, dueDays: 14, message: true, translation: true },
      { partner: 'PH-DEMO-SWDO', service: 'alternative_care', end: 'accepted', urgency: 'within_2_weeks', sentDaysAgo: 20, dueDays: 14, message: true, reply: true },
      { partner: 'VN-DEMO-SCHOOL', service: 'education', end: 'in_progress', urgency: 'routine', sentDaysAgo: 45, dueDays: 21, message: true, translation: true },
      { partner: 'ID-DEMO-RUMAHAMAN', service: 'shelter', end: 'declined', urgency: 'within_72_hours', sentDaysAgo: 60, dueDays: 3, declineReason: 'no_capacity' },
      { partner: 'TH-DEMO-BAANDEK', service: 'shelter', end: 'completed', urgency: 'within_2_weeks', sentDaysAgo: 120, dueDays: 14, message: true, reply: true },
      { partner: 'PH-DEMO-SWDO', service: 'social_welfare', end: 'revoked', urgency: 'routine', sentDaysAgo: 40, dueDays: 21 },
      // The offline partner: the PDF form delivered by hand, its answers recorded by the caseworker.
      { partner: 'PH-DEMO-PARISH', service: 'education', end: 'accepted', urgency: 'routine', sentDaysAgo: 30, dueDays: 14 },
      { partner: 'PH-DEMO-PARISH', service: 'counselling', end: 'sent', urgency: 'within_2_weeks', sentDaysAgo: 16, dueDays: 7 },
    ],
  },
  {
    code: 'KH-DEMO-PONLEU',
    plans: [
      { partner: 'KH-DEMO-SAFEHOME', service: 'family_support', end: 'draft', urgency: 'routine', sentDaysAgo: 2, dueDays: 14 },
      { partner: 'KH-DEMO-SAFEHOME', service: 'shelter', end: 'sent', urgency: 'immediate', sentDaysAgo: 9, dueDays: 1 },
      { partner: 'TH-DEMO-BAANDEK', service: 'shelter', end: 'acknowledged', urgency: 'within_72_hours', sentDaysAgo: 3, dueDays: 7, message: true },
      { partner: 'KH-DEMO-SAFEHOME', service: 'counselling', end: 'accepted', urgency: 'within_2_weeks', sentDaysAgo: 15, dueDays: 14, message: true, translation: true },
      { partner: 'VN-DEMO-SCHOOL', service: 'education', end: 'in_progress', urgency: 'routine', sentDaysAgo: 50, dueDays: 21, message: true, reply: true },
      { partner: 'LA-DEMO-HOSPITAL', service: 'health', end: 'declined', urgency: 'within_72_hours', sentDaysAgo: 35, dueDays: 3, declineReason: 'outside_area' },
      { partner: 'KH-DEMO-SAFEHOME', service: 'family_support', end: 'completed', urgency: 'within_2_weeks', sentDaysAgo: 150, dueDays: 14, message: true },
      { partner: 'TH-DEMO-BAANDEK', service: 'counselling', end: 'revoked', urgency: 'routine', sentDaysAgo: 28, dueDays: 14 },
    ],
  },
];

/** The partner's language: what its staff write in (their organisation's preferred locale). */
function languageOf(locale: string): PartnerLanguage | undefined {
  return (Object.keys(PARTNER_TEXT) as PartnerLanguage[]).find((l) => l === locale);
}

interface CaseChoice {
  _id: Types.ObjectId;
  consents?: { purpose: string; organisationId?: Types.ObjectId | null; withdrawnAt?: Date | null; date: Date }[];
}

/** A case of the caseworker still open or active, not used by this seeder, preferring one that already has consent for the partner. */
async function pickCase(worker: Caller, partnerId: Types.ObjectId, used: Set<string>): Promise<{ id: string; consented: boolean } | undefined> {
  const cases = ((await CaseModel.find(trusted({ organisationId: new Types.ObjectId(worker.organisationId), caseworkerIds: new Types.ObjectId(worker.userId), status: { $in: ['open', 'active'] } }))
    .sort({ caseNumber: 1 })
    .select({ _id: 1, consents: 1 })
    .limit(300)
    .lean()) as unknown as CaseChoice[]).filter((c) => !used.has(String(c._id)));
  const withConsent = cases.find((c) => consentFor(c as never, partnerId));
  const found = withConsent ?? cases[0];
  if (!found) return undefined;
  used.add(String(found._id));
  return { id: String(found._id), consented: Boolean(withConsent) };
}

/**
 * Moves the referral's dates back: sent `sentDaysAgo` days ago, each later step GAP days after the one
 * before (never after today), the answer due `dueDays` after sending, a recorded delivery on the day it
 * was sent. Only dates change; the path itself was taken through the services.
 */
async function backDate(referralId: string, plan: Plan): Promise<void> {
  const r = await ReferralModel.findOne(trusted({ _id: new Types.ObjectId(referralId) })).lean();
  if (!r) return;
  const now = clock.ms();
  const sent = now - plan.sentDaysAgo * DAY;
  let at = sent;
  const stamps: Record<string, Date> = {};
  const steps = (r.steps ?? []).map((s) => {
    at = Math.min(now, at + GAP[s.to as ReferralStatus] * DAY);
    const when = new Date(at);
    const field = { sent: 'sentAt', acknowledged: 'acknowledgedAt', accepted: 'acceptedAt', declined: 'declinedAt', in_progress: 'startedAt', completed: 'completedAt', revoked: 'revokedAt' }[s.to as Exclude<ReferralStatus, 'draft'>];
    if (field) stamps[field] = when;
    return { ...s, at: when };
  });
  const set: Record<string, unknown> = { ...stamps, steps, statusAt: new Date(steps.length > 0 ? at : sent), dueDate: new Date(dayFromToday(-plan.sentDaysAgo + plan.dueDays) + 'T00:00:00Z') };
  if (r.snapshot?.takenAt) set['snapshot.takenAt'] = new Date(sent);
  if (r.delivery?.sentAt) set['delivery.sentAt'] = new Date(dayFromToday(-plan.sentDaysAgo) + 'T00:00:00Z');
  await ReferralModel.updateOne(trusted({ _id: r._id }), { $set: set });
  await refreshCaseFacts(r.caseId);
}

/** One referral of the plan, from draft to its end state; answers its id, or undefined when no case is left. */
async function seedOne(worker: Caller, plan: Plan, used: Set<string>): Promise<string | undefined> {
  const partner = await OrganisationModel.findOne(trusted({ code: plan.partner })).select({ _id: 1, preferredLocale: 1 }).lean();
  if (!partner) return undefined;
  const picked = await pickCase(worker, partner._id, used);
  if (!picked) return undefined;
  if (!picked.consented && plan.end !== 'draft') {
    await addConsent(worker, picked.id, { purpose: 'referral', organisationId: String(partner._id), givenBy: 'guardian', date: dayFromToday(-plan.sentDaysAgo - 2), formVersion: '2026-01' });
  }
  const id = await createDraft(worker, picked.id, {
    toOrganisationId: String(partner._id),
    service: plan.service,
    urgency: plan.urgency,
    reasons: plan.service === 'education' ? ['education_enrolment'] : plan.service === 'shelter' ? ['safe_placement'] : ['counselling'],
    dueDate: dayFromToday(plan.dueDays),
    note: NOTE,
    language: 'en',
    sections: ['identification', 'family'],
    noteIds: [],
    attachmentIds: [],
  });
  // Marked as demo before anything else is written from it: its messages and notifications carry the mark.
  await ReferralModel.updateOne(trusted({ _id: new Types.ObjectId(id) }), { $set: { demo: true } });
  if (plan.end === 'draft') return id;
  await sendReferral(worker, id);
  const staffer = await staff(partner._id, 'partner');
  const language = languageOf(partner.preferredLocale);
  const text = language ? PARTNER_TEXT[language] : undefined;
  if (!staffer) {
    // Offline: the form went by hand the day it was sent; the answers come back by phone and are recorded.
    await recordDelivery(worker, id, { method: 'hand', date: dayFromToday(0) });
    for (const move of PATH[plan.end]) await recordAnswer(worker, id, { move, date: dayFromToday(0), reason: move === 'decline' ? (plan.declineReason ?? 'other') : '', note: '', language: '' });
  } else {
    for (const move of PATH[plan.end]) {
      // The partner writes while the referral is still open, after acknowledging it.
      if (move !== 'acknowledge' && text && plan.message && !(await hasMessage(id))) await messageAsPartner(staffer, id, { text: text.message, language: language! });
      if (move === 'decline') await moveAsPartner(staffer, id, 'decline', { reason: plan.declineReason ?? 'other' });
      else await moveAsPartner(staffer, id, move, {});
      if (move === 'acknowledge' && text && plan.translation) await translateAsPartner(staffer, id, { field: 'note', language: language!, text: text.translation });
    }
    if (text && plan.message && !(await hasMessage(id)) && plan.end !== 'completed' && plan.end !== 'declined') await messageAsPartner(staffer, id, { text: text.message, language: language! });
    if (plan.reply && plan.end !== 'completed' && plan.end !== 'declined') await messageAsSender(worker, id, { text: REPLY, language: 'en' });
  }
  if (plan.end === 'revoked') await revokeReferral(worker, id, { note: REVOKE_NOTE, language: 'en' });
  await backDate(id, plan);
  return id;
}

async function hasMessage(id: string): Promise<boolean> {
  return Boolean(await ReferralModel.exists(trusted({ _id: new Types.ObjectId(id), lastMessageSide: { $exists: true } })));
}

/** Seeds the demo referrals of each demo NGO not yet seeded; returns how many were made. */
export async function seedDemoReferrals(): Promise<number> {
  let made = 0;
  for (const ngo of NGOS) {
    const org = await OrganisationModel.findOne(trusted({ code: ngo.code })).select({ _id: 1 }).lean();
    if (!org || !(await CaseModel.exists(trusted({ organisationId: org._id }))) || !(await claim('demo-referrals', ngo.code))) continue;
    const worker = await staff(org._id, 'caseworker');
    if (!worker) continue;
    const used = new Set((await ReferralModel.distinct('caseId', trusted({ fromOrganisationId: org._id }))).map(String));
    for (const plan of ngo.plans) {
      if (await seedOne(worker, plan, used)) made += 1;
    }
  }
  return made;
}
