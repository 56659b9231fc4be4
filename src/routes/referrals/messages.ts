/**
 * The message thread and translations of a referral, from the sending side (the partner's are in
 * routes/partner). Staff who may send referrals, on a referral of a case they may see
 * (referralForSender): anyone else gets 404, audited. A refused message or translation shows its
 * form again (422) with what was typed, and changes nothing; the referral is checked first, so a
 * refused form never tells anyone outside it that it exists.
 */
import { Router } from 'express';
import { permit } from '../../middleware/permit.js';
import { referralForSender } from '../../services/referrals/referrals.js';
import { messageAsSender } from '../../services/referrals/messages.js';
import { translateAsSender } from '../../services/referrals/translations.js';
import { typedValues } from '../cases/index.js';
import { parse, renderInvalid } from '../forms.js';
import { messageForm, translationForm } from '../partner/forms.js';

export const referralMessageRoutes = Router();

referralMessageRoutes.post('/referrals/:id/messages', permit('referral.send'), async (req, res) => {
  const id = String(req.params.id);
  await referralForSender(req.caller!, id, 'referral.send');
  try {
    const { _csrf, ...input } = parse(messageForm, req.body);
    await messageAsSender(req.caller!, id, input);
    res.redirect(303, `/referrals/${id}?done=message#thread`);
  } catch (err) {
    renderInvalid(err, req, res, 'partner/message-refused', { title: req.t('partner:thread.refused'), referralId: id, backTo: `/referrals/${id}#thread`, postUrl: `/referrals/${id}/messages`, values: typedValues(req.body) });
  }
});

referralMessageRoutes.post('/referrals/:id/translations', permit('referral.send'), async (req, res) => {
  const id = String(req.params.id);
  await referralForSender(req.caller!, id, 'referral.send');
  try {
    const { _csrf, ...input } = parse(translationForm, req.body);
    await translateAsSender(req.caller!, id, input);
    res.redirect(303, `/referrals/${id}?done=translation#shared`);
  } catch (err) {
    renderInvalid(err, req, res, 'partner/translation-refused', { title: req.t('partner:translate.refused'), referralId: id, backTo: `/referrals/${id}#shared`, postUrl: `/referrals/${id}/translations`, values: typedValues(req.body) });
  }
});
