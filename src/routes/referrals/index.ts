/**
 * Referrals from the sending side, under /cases/:id/referrals and /referrals/:id: drafting one from a
 * case, editing and previewing the draft in the partner's language, sending it behind the consent gate
 * (SECURITY.md C4), sending an updated snapshot, revoking it, and for a partner without Haven accounts
 * recording how the PDF form was delivered and the answers that came back. Caseworkers and supervisors
 * of the case only (referral.send); reading a referral's page needs case.read.
 */
import { Router, type Request, type Response } from 'express';
import { Conflict, Invalid } from '../../domain/errors.js';
import { LOOKUPS } from '../../domain/lookups.js';
import { can } from '../../domain/permissions.js';
import { DELIVERY_METHODS, DECLINE_REASONS, REFERRAL_REASONS, URGENCIES } from '../../domain/referrals.js';
import { clock } from '../../lib/clock.js';
import { permit } from '../../middleware/permit.js';
import { PLAIN_SECTIONS, createDraft, draftForEdit, newReferralForm, updateDraft } from '../../services/referrals/drafts.js';
import { partnerOptions } from '../../services/referrals/partners.js';
import { recordAnswer, recordDelivery, revokeReferral, sendReferral, updateSnapshot } from '../../services/referrals/send.js';
import { referralPage, referralPreview } from '../../services/referrals/sender-view.js';
import { textDir } from '../../services/partner/view.js';
import { referralForSender } from '../../services/referrals/referrals.js';
import { typedValues } from '../cases/index.js';
import { parse, renderInvalid } from '../forms.js';
import { answerForm, deliveryForm, draftEditForm, draftForm, partnerFilter, revokeForm, sendForm, snapshotForm } from './forms.js';
import type { ReferralMove } from '../../domain/referrals.js';

/** The code lists the forms offer, labelled in the templates. */
const CODES = { services: LOOKUPS.serviceType, urgencies: URGENCIES, reasons: REFERRAL_REASONS, sections: PLAIN_SECTIONS, deliveryMethods: DELIVERY_METHODS, declineReasons: DECLINE_REASONS };

/** The confirmations the referral's page shows after a change (`?done=`); anything else shows none. */
const DONE = ['created', 'saved', 'sent', 'snapshot', 'revoked', 'delivery', 'answer', 'message', 'translation'] as const;

const today = () => clock.now().toISOString().slice(0, 10);
const inDays = (n: number) => new Date(clock.now().getTime() + n * 86_400_000).toISOString().slice(0, 10);

/** The partner list for the form, filtered by the GET form's service and country (the draft's service by default). */
async function partnerList(req: Request, service: string | undefined) {
  const query = parse(partnerFilter, req.query);
  const filter = { service: query.service ?? service ?? '', country: query.country ?? '' };
  return { filter, ...(await partnerOptions(req.caller!, filter, req.language)) };
}

/** Refused input (422) or a save from an old version (409): the form again, with what was typed. */
function renderRefused(err: unknown, req: Request, res: Response, view: string, locals: Record<string, unknown>): void {
  if (err instanceof Conflict) {
    res.status(409).render(view, { ...locals, errors: [{ field: '_form', message: req.t('referrals:errors.stale') }] });
    return;
  }
  renderInvalid(err, req, res, view, locals);
}

const shownAgain = (err: unknown) => err instanceof Invalid || err instanceof Conflict;

/** The referral's page, as GET shows it; after a refused form, with what was typed and why it was refused. */
async function showPage(req: Request, res: Response, extra: { err?: unknown; failed?: string } = {}) {
  const id = String(req.params.id);
  const referral = await referralPage(req.caller!, id, req.language);
  const locals = {
    title: referral.reference,
    r: referral,
    codes: CODES,
    mayOverride: can(req.caller!.roles, 'referral.override'),
    maySend: can(req.caller!.roles, 'referral.send'),
    done: DONE.find((d) => d === req.query.done),
    values: extra.err ? typedValues(req.body) : { language: req.language, date: today() },
    failed: extra.failed,
    today: today(),
  };
  if (extra.err) return renderRefused(extra.err, req, res, 'referrals/show', locals);
  res.render('referrals/show', locals);
}

export const referralRoutes = Router();

referralRoutes.use(['/cases/:id/referrals', '/referrals'], (_req, res, next) => {
  res.locals.page.section = 'cases';
  next();
});

referralRoutes.get('/cases/:id/referrals/new', permit('referral.send'), async (req, res) => {
  const c = await newReferralForm(req.caller!, String(req.params.id));
  const partners = await partnerList(req, undefined);
  const values = { service: partners.filter.service, urgency: 'within_2_weeks', reasons: [], dueDate: inDays(14), language: req.language, sections: ['identification'], noteIds: [], attachmentIds: [] };
  res.render('referrals/form', { title: c.caseNumber, c, isNew: true, values, partners, codes: CODES });
});

referralRoutes.post('/cases/:id/referrals', permit('referral.send'), async (req, res) => {
  const caseId = String(req.params.id);
  try {
    const { _csrf, ...input } = parse(draftForm, req.body);
    const id = await createDraft(req.caller!, caseId, input);
    res.redirect(303, `/referrals/${id}/preview?done=created`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const c = await newReferralForm(req.caller!, caseId);
    const values = typedValues(req.body);
    const partners = await partnerOptions(req.caller!, { service: String(values.service ?? '') }, req.language);
    renderRefused(err, req, res, 'referrals/form', { title: c.caseNumber, c, isNew: true, values, partners: { filter: { service: values.service ?? '', country: '' }, ...partners }, codes: CODES });
  }
});

referralRoutes.get('/referrals/:id', permit('case.read'), async (req, res) => {
  await showPage(req, res);
});

referralRoutes.get('/referrals/:id/edit', permit('referral.send'), async (req, res) => {
  const draft = await draftForEdit(req.caller!, String(req.params.id));
  const partners = await partnerList(req, draft.values.service);
  const c = { caseId: String(draft.referral.caseId), caseNumber: draft.caseNumber, notes: draft.notes, attachments: draft.attachments };
  res.render('referrals/form', { title: draft.referral.reference, c, referralId: String(draft.referral._id), reference: draft.referral.reference, values: draft.values, partners, codes: CODES });
});

referralRoutes.post('/referrals/:id', permit('referral.send'), async (req, res) => {
  const id = String(req.params.id);
  await referralForSender(req.caller!, id, 'referral.send');
  try {
    const { _csrf, version, ...input } = parse(draftEditForm, req.body);
    await updateDraft(req.caller!, id, version, input);
    res.redirect(303, `/referrals/${id}/preview?done=saved`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const draft = await draftForEdit(req.caller!, id);
    // After a conflict the form keeps what was typed and carries the current version, so saving again goes through.
    const values: Record<string, unknown> = { ...typedValues(req.body), version: draft.values.version };
    const partners = await partnerOptions(req.caller!, { service: String(values.service ?? '') }, req.language);
    const c = { caseId: String(draft.referral.caseId), caseNumber: draft.caseNumber, notes: draft.notes, attachments: draft.attachments };
    renderRefused(err, req, res, 'referrals/form', { title: draft.referral.reference, c, referralId: id, reference: draft.referral.reference, values, partners: { filter: { service: values.service ?? '', country: '' }, ...partners }, codes: CODES });
  }
});

/**
 * The preview: the page in the reader's language, and inside it the shared sections exactly as the
 * partner will read them, rendered apart with the partner's language fixed (their labels, names and
 * calendar), then set into the page where its marker stands. Both renders escape what they show; the
 * marker is a fixed comment that no escaped text can spell.
 */
const PREVIEW_MARKER = '<!-- referral-preview -->';

referralRoutes.get('/referrals/:id/preview', permit('referral.send'), async (req, res) => {
  const preview = await referralPreview(req.caller!, String(req.params.id));
  const shared = await new Promise<string>((resolve, reject) => {
    req.app.render('partials/referrals/shared', { layout: false, t: req.i18n.getFixedT(preview.locale), page: { lang: preview.locale, calendar: 'default' }, view: preview.view }, (err, html) => (err ? reject(err) : resolve(html ?? '')));
  });
  const page = await new Promise<string>((resolve, reject) => {
    res.render('referrals/preview', { title: preview.reference, preview, dir: textDir(preview.locale), done: DONE.find((d) => d === req.query.done), mayOverride: can(req.caller!.roles, 'referral.override') }, (err, html) => (err ? reject(err) : resolve(html)));
  });
  res.send(page.replace(PREVIEW_MARKER, () => shared));
});

referralRoutes.post('/referrals/:id/send', permit('referral.send'), async (req, res) => {
  const id = String(req.params.id);
  await referralForSender(req.caller!, id, 'referral.send');
  try {
    const { _csrf, ...input } = parse(sendForm, req.body);
    await sendReferral(req.caller!, id, input);
    res.redirect(303, `/referrals/${id}?done=sent`);
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    await showPage(req, res, { err, failed: 'send' });
  }
});

referralRoutes.post('/referrals/:id/snapshot', permit('referral.send'), async (req, res) => {
  const id = String(req.params.id);
  await referralForSender(req.caller!, id, 'referral.send');
  try {
    parse(snapshotForm, req.body);
    await updateSnapshot(req.caller!, id);
    res.redirect(303, `/referrals/${id}?done=snapshot#shared`);
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    await showPage(req, res, { err, failed: 'snapshot' });
  }
});

referralRoutes.post('/referrals/:id/revoke', permit('referral.send'), async (req, res) => {
  const id = String(req.params.id);
  await referralForSender(req.caller!, id, 'referral.send');
  try {
    const { _csrf, ...input } = parse(revokeForm, req.body);
    await revokeReferral(req.caller!, id, input);
    res.redirect(303, `/referrals/${id}?done=revoked`);
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    await showPage(req, res, { err, failed: 'revoke' });
  }
});

referralRoutes.post('/referrals/:id/delivery', permit('referral.send'), async (req, res) => {
  const id = String(req.params.id);
  await referralForSender(req.caller!, id, 'referral.send');
  try {
    const { _csrf, ...input } = parse(deliveryForm, req.body);
    await recordDelivery(req.caller!, id, input);
    res.redirect(303, `/referrals/${id}?done=delivery`);
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    await showPage(req, res, { err, failed: 'delivery' });
  }
});

referralRoutes.post('/referrals/:id/answer', permit('referral.send'), async (req, res) => {
  const id = String(req.params.id);
  await referralForSender(req.caller!, id, 'referral.send');
  try {
    const { _csrf, move, ...input } = parse(answerForm, req.body);
    await recordAnswer(req.caller!, id, { ...input, move: move as ReferralMove });
    res.redirect(303, `/referrals/${id}?done=answer`);
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    await showPage(req, res, { err, failed: 'answer' });
  }
});
