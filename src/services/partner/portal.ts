/**
 * What partner staff do with a referral addressed to their organisation (DOMAIN.md "Referral";
 * SECURITY.md C3): read it in their language, take the moves the status machine gives the partner,
 * write in the thread and add translations. Each use case loads the referral with
 * referralForPartner first, so a referral of another organisation, or one revoked, declined or
 * completed, answers 404 and is audited before anything else happens. Nothing here reads the case.
 */
import { Invalid } from '../../domain/errors.js';
import { REFERRAL_MOVES, movesFor, type ReferralMove, type ReferralStatus } from '../../domain/referrals.js';
import type { Caller } from '../../domain/permissions.js';
import { audit } from '../audit/audit.js';
import { threadOf, postMessage, type MessageInput } from '../referrals/messages.js';
import { applyMove, openSnapshot, referralForPartner, type MoveInput } from '../referrals/referrals.js';
import { addTranslation, type TranslationInput } from '../referrals/translations.js';
import { partnerView } from './view.js';

/** The partner's moves, in the order the page offers them. */
export const PARTNER_MOVES = (Object.keys(REFERRAL_MOVES) as ReferralMove[]).filter((m) => REFERRAL_MOVES[m].side === 'partner');

/** The page of one referral for partner staff, in the reader's language. Audited `referral_view`. */
export async function partnerReferralPage(caller: Caller, id: string, locale: string) {
  const r = await referralForPartner(caller, id);
  const [view, thread] = await Promise.all([partnerView(r, openSnapshot(r), { locale }, { filesAt: `/partner/referrals/${String(r._id)}/files/` }), threadOf(r, locale)]);
  await audit(caller, { action: 'referral_view', outcome: 'success', recordType: 'referral', recordId: String(r._id) });
  return { view, thread, moves: movesFor(r.status as ReferralStatus, 'partner') };
}

export type PartnerReferralPage = Awaited<ReturnType<typeof partnerReferralPage>>;

/**
 * A partner's move. Of two staff moving the same referral at once one wins; the other gets
 * MoveRefused carrying the state the winner left (applyMove). Returns the state reached.
 */
export async function moveAsPartner(caller: Caller, id: string, move: ReferralMove, input: MoveInput): Promise<ReferralStatus> {
  const r = await referralForPartner(caller, id);
  // The sender's moves (send, revoke) are not the partner's to take, whatever the form says (C5).
  if (REFERRAL_MOVES[move].side !== 'partner') throw new Invalid({ move: 'common:form.invalid' });
  const moved = await applyMove(caller, r, move, 'partner', input);
  return moved.status as ReferralStatus;
}

export async function messageAsPartner(caller: Caller, id: string, input: MessageInput): Promise<void> {
  const r = await referralForPartner(caller, id);
  await postMessage(caller, r, 'partner', input);
}

export async function translateAsPartner(caller: Caller, id: string, input: TranslationInput): Promise<void> {
  const r = await referralForPartner(caller, id);
  await addTranslation(caller, r, 'partner', input);
}
