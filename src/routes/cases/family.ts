/** Family members and consents. */
import { Router } from 'express';
import { clock } from '../../lib/clock.js';
import { permit } from '../../middleware/permit.js';
import { addConsent, addFamilyMember, consentForWithdrawal, familyMemberForEdit, updateFamilyMember, withdrawConsent } from '../../services/cases/family.js';
import { caseForEdit, checkCaseAccess } from '../../services/cases/cases.js';
import { listConsentOrganisations } from '../../services/admin/organisations.js';
import { parse, renderInvalid } from '../forms.js';
import { renderConflict, shownAgain } from './edit.js';
import { consentForm, familyEditForm, familyForm, withdrawalForm } from './forms.js';
import { typedValues } from './index.js';
import { formOptions } from './options.js';

export const caseFamilyRoutes = Router();

caseFamilyRoutes.get('/cases/:id/family/new', permit('case.update'), async (req, res) => {
  const c = await caseForEdit(req.caller!, String(req.params.id));
  res.render('cases/family-form', { title: c.caseNumber, c, isNew: true, values: {}, ...formOptions(req) });
});

caseFamilyRoutes.post('/cases/:id/family', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  try {
    const { _csrf, ...input } = parse(familyForm, req.body);
    await addFamilyMember(req.caller!, id, input);
    res.redirect(303, `/cases/${id}?done=family#family`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const c = await caseForEdit(req.caller!, id);
    renderInvalid(err, req, res, 'cases/family-form', { title: c.caseNumber, c, isNew: true, values: typedValues(req.body), ...formOptions(req) });
  }
});

caseFamilyRoutes.get('/cases/:id/family/:memberId', permit('case.update'), async (req, res) => {
  const found = await familyMemberForEdit(req.caller!, String(req.params.id), String(req.params.memberId));
  res.render('cases/family-form', { title: found.caseNumber, c: { id: found.caseId, caseNumber: found.caseNumber }, member: found.member, values: { ...found.member, version: found.version }, ...formOptions(req) });
});

caseFamilyRoutes.post('/cases/:id/family/:memberId', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  const memberId = String(req.params.memberId);
  try {
    const { _csrf, version, ...input } = parse(familyEditForm, req.body);
    await updateFamilyMember(req.caller!, id, memberId, version, input);
    res.redirect(303, `/cases/${id}?done=family#family`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const found = await familyMemberForEdit(req.caller!, id, memberId);
    const values = { ...typedValues(req.body), version: String(found.version) };
    renderConflict(err, req, res, 'cases/family-form', { title: found.caseNumber, c: { id, caseNumber: found.caseNumber }, member: found.member, stored: found.member, values, ...formOptions(req) });
  }
});

caseFamilyRoutes.get('/cases/:id/consents/new', permit('case.update'), async (req, res) => {
  const c = await caseForEdit(req.caller!, String(req.params.id));
  res.render('cases/consent-form', { title: c.caseNumber, c, values: {}, organisations: await listConsentOrganisations(req.caller!, req.language), ...formOptions(req) });
});

caseFamilyRoutes.post('/cases/:id/consents', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  try {
    const { _csrf, ...input } = parse(consentForm, req.body);
    await addConsent(req.caller!, id, input);
    res.redirect(303, `/cases/${id}?done=consent#consents`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const c = await caseForEdit(req.caller!, id);
    renderInvalid(err, req, res, 'cases/consent-form', { title: c.caseNumber, c, values: typedValues(req.body), organisations: await listConsentOrganisations(req.caller!, req.language), ...formOptions(req) });
  }
});

/** Withdrawing a consent goes through a page that shows the consent and asks for the date and the reason. */
caseFamilyRoutes.get('/cases/:id/consents/:consentId/withdraw', permit('case.update'), async (req, res) => {
  const found = await consentForWithdrawal(req.caller!, String(req.params.id), String(req.params.consentId), req.language);
  res.render('cases/consent-withdraw', { title: found.caseNumber, ...found, values: { date: clock.now().toISOString().slice(0, 10) } });
});

caseFamilyRoutes.post('/cases/:id/consents/:consentId/withdraw', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  const consentId = String(req.params.consentId);
  await checkCaseAccess(req.caller!, id, 'case.update');
  try {
    const { _csrf, ...input } = parse(withdrawalForm, req.body);
    await withdrawConsent(req.caller!, id, consentId, input);
    res.redirect(303, `/cases/${id}?done=withdrawn#consents`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const found = await consentForWithdrawal(req.caller!, id, consentId, req.language);
    renderInvalid(err, req, res, 'cases/consent-withdraw', { title: found.caseNumber, ...found, values: typedValues(req.body) });
  }
});
