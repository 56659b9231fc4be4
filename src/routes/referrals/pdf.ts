/**
 * The referral form as PDF, from both sides (SECURITY.md C2, C3): loaded only inside the caller's
 * filter, sent as an attachment that no cache keeps, each download audited by the service.
 *
 * The sending side chooses the language (`?lng=`, default the partner's, the referral's own): a
 * caseworker prints it in the partner's language for a partner without Haven accounts. The partner
 * side gets it in the reader's own language and calendar.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { LOCALES } from '../../domain/locales.js';
import { permit } from '../../middleware/permit.js';
import { downloadReferralForm, type FormFile } from '../../services/referrals/form-pdf.js';
import { parse } from '../forms.js';

export const referralPdfRoutes = Router();

/** The sender's choice of language; a language tag that is not one of Haven's is refused (422). */
const senderQuery = z.strictObject({ lng: z.enum(LOCALES).optional() });
/** The partner's page takes no options (`lng` is read by the language detection, as on every page). */
const partnerQuery = z.strictObject({ lng: z.string().max(35).optional() });

function sendPdf(res: Response, file: FormFile): void {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.attachment(file.name);
  res.send(file.data);
}

referralPdfRoutes.get('/referrals/:id/form.pdf', permit('referral.send'), async (req, res) => {
  const query = parse(senderQuery, req.query);
  const user = req.user!;
  // Printed in the caseworker's own language, their calendar; in another, that language's own.
  const locale = query.lng;
  const calendar = locale === undefined || locale !== user.locale ? 'default' : user.calendar;
  sendPdf(res, await downloadReferralForm(req.caller!, String(req.params.id), 'sender', { locale, calendar }));
});

referralPdfRoutes.get('/partner/referrals/:id/form.pdf', permit('referral.respond'), async (req, res) => {
  parse(partnerQuery, req.query);
  const user = req.user!;
  sendPdf(res, await downloadReferralForm(req.caller!, String(req.params.id), 'partner', { locale: user.locale, calendar: user.calendar }));
});
