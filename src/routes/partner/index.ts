/**
 * The partner portal (SECURITY.md C3): the referrals addressed to the reader's organisation, each in
 * the reader's language with the moves its state allows, the thread and translations, and the files
 * it shares (served from the referral's own copies). Every route needs `referral.respond`; every
 * referral is loaded inside the partner filter, so another organisation's, and one revoked, declined
 * or completed, answers 404.
 */
import { Router, type Request, type Response } from 'express';
import { Invalid } from '../../domain/errors.js';
import { DECLINE_REASONS, isFinal, type ReferralMove } from '../../domain/referrals.js';
import { permit } from '../../middleware/permit.js';
import { partnerCounts, partnerInbox } from '../../services/partner/inbox.js';
import { messageAsPartner, moveAsPartner, partnerReferralPage, translateAsPartner } from '../../services/partner/portal.js';
import { downloadAsPartner } from '../../services/partner/files.js';
import { MoveRefused } from '../../services/referrals/referrals.js';
import { typedValues } from '../cases/index.js';
import { namedErrors, parse } from '../forms.js';
import { inboxQuery, messageForm, moveForm, translationForm } from './forms.js';
import { sendDownload } from '../downloads.js';

/** The confirmations a page shows after a change (`?done=`); anything else shows none. */
const DONE = ['acknowledge', 'accept', 'start', 'message', 'translation'] as const;
/** Moves after which the referral has ended: the partner sees it no more and goes back to the inbox. */
const ENDED = ['decline', 'complete'] as const;

export const partnerRoutes = Router();

partnerRoutes.use('/partner', (_req, res, next) => {
  res.locals.page.section = 'referrals';
  next();
});

partnerRoutes.get('/partner/referrals', permit('referral.respond'), async (req, res) => {
  const query = parse(inboxQuery, req.query);
  const [inbox, counts] = await Promise.all([partnerInbox(req.caller!, query, req.language), partnerCounts(req.caller!)]);
  const href = (side: 'after' | 'before', cursor: string | undefined) =>
    cursor === undefined ? undefined : `/partner/referrals?${new URLSearchParams({ filter: inbox.filter, ...(cursor ? { [side]: cursor } : {}) }).toString()}`;
  const pager = inbox.next !== undefined || inbox.previous !== undefined ? { next: href('after', inbox.next), previous: href('before', inbox.previous) } : undefined;
  res.render('partner/inbox', { title: req.t('partner:inbox.title'), inbox, counts, pager, done: ENDED.find((d) => d === query.done) });
});

/** The referral's page, again after a refused form: 422 (or 409 when someone else moved it first), with what was typed. */
async function renderPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200): Promise<void> {
  const referral = await partnerReferralPage(req.caller!, String(req.params.id), req.language);
  res.status(status).render('partner/show', { title: referral.view.reference, referral, declineReasons: DECLINE_REASONS, done: DONE.find((d) => d === req.query.done), ...extra });
}

/** A refused form: the page again, the errors beside the form that failed. Anything but Invalid goes on to the error handler. */
async function renderRefused(err: unknown, req: Request, res: Response, failed: 'move' | 'message' | 'translate'): Promise<void> {
  if (!(err instanceof Invalid)) throw err;
  const values = typedValues(req.body);
  if (err instanceof MoveRefused) {
    // Someone else moved it (or it was never in a state for this): say so, and show the state it is in now.
    const message = req.t('partner:errors.moveRefused', { status: req.t(`referrals:status.${err.status}`), interpolation: { escapeValue: false } });
    // The page carries the state it showed: a different state now means another user moved it meanwhile.
    const seen = String((req.body as Record<string, unknown> | undefined)?.status ?? '');
    const stale = seen !== '' && seen !== err.status;
    if (isFinal(err.status)) {
      res.status(409).render('partner/ended', { title: req.t('partner:ended.title'), status: err.status, message });
      return;
    }
    await renderPage(req, res, { errors: [{ field: '_form', message }], failed, values }, stale ? 409 : 422);
    return;
  }
  const fieldErrors = Object.fromEntries(Object.entries(err.fields).map(([field, key]) => [field, req.t(key)]));
  // The page holds several forms: each error links to its field in the form that failed.
  const errors = namedErrors(req, 'partner/show', err.fields).map((e) => (e.field === '_form' ? e : { ...e, field: `${failed}-${e.field}` }));
  await renderPage(req, res, { errors, fieldErrors, failed, values }, 422);
}

partnerRoutes.get('/partner/referrals/:id', permit('referral.respond'), async (req, res) => {
  await renderPage(req, res);
});

partnerRoutes.post('/partner/referrals/:id/move', permit('referral.respond'), async (req, res) => {
  const id = String(req.params.id);
  try {
    const { move, reason, note, language } = parse(moveForm, req.body);
    await moveAsPartner(req.caller!, id, move as ReferralMove, { reason: reason || undefined, note: note || undefined, language: note ? (language ?? req.language) : undefined });
    const ended = ENDED.find((m) => m === move);
    res.redirect(303, ended ? `/partner/referrals?done=${ended}` : `/partner/referrals/${id}?done=${move}`);
  } catch (err) {
    await renderRefused(err, req, res, 'move');
  }
});

partnerRoutes.post('/partner/referrals/:id/messages', permit('referral.respond'), async (req, res) => {
  const id = String(req.params.id);
  try {
    const { _csrf, ...input } = parse(messageForm, req.body);
    await messageAsPartner(req.caller!, id, input);
    res.redirect(303, `/partner/referrals/${id}?done=message#thread`);
  } catch (err) {
    await renderRefused(err, req, res, 'message');
  }
});

partnerRoutes.post('/partner/referrals/:id/translations', permit('referral.respond'), async (req, res) => {
  const id = String(req.params.id);
  try {
    const { _csrf, ...input } = parse(translationForm, req.body);
    await translateAsPartner(req.caller!, id, input);
    res.redirect(303, `/partner/referrals/${id}?done=translation#shared`);
  } catch (err) {
    await renderRefused(err, req, res, 'translate');
  }
});

partnerRoutes.get('/partner/referrals/:id/files/:fileId', permit('referral.respond'), async (req, res) => {
  sendDownload(res, await downloadAsPartner(req.caller!, String(req.params.id), String(req.params.fileId)));
});
