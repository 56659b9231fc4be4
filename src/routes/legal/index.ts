/**
 * Legal cases of a child's case, under /cases/:id/legal: the page of each legal case, and the forms
 * that record one, edit it, move its stage, set a hearing, record a hearing's outcome and record the
 * support given to the child as a witness. Caseworkers of the case and the team's supervisors only.
 */
import { Router, type Request, type Response } from 'express';
import { Conflict, Invalid } from '../../domain/errors.js';
import { AUTHORITIES, CHARGES, HEARING_KINDS, HEARING_OUTCOMES, OFFENDER_RELATIONSHIPS, STARTING_STATUSES, SUPPORT_KINDS, VERDICTS } from '../../domain/legal.js';
import { can } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { permit } from '../../middleware/permit.js';
import { addHearing, addSupport, hearingForOutcome, recordOutcome } from '../../services/legal/hearings.js';
import { caseForLegalForm, changeLegalStatus, createLegalCase, legalCaseForEdit, legalStatusForm, updateLegalCase } from '../../services/legal/legal-cases.js';
import { legalCasePage } from '../../services/legal/view.js';
import { typedValues } from '../cases/index.js';
import { parse, renderInvalid } from '../forms.js';
import { hearingForm, legalEditForm, legalNewForm, legalStatusForm as statusSchema, offendersOf, outcomeForm, supportForm } from './forms.js';

/** The code lists the forms offer, labelled in the templates (legal.json). */
const CODES = { authorities: AUTHORITIES, charges: CHARGES, relationships: OFFENDER_RELATIONSHIPS, hearingKinds: HEARING_KINDS, hearingOutcomes: HEARING_OUTCOMES, verdicts: VERDICTS, supportKinds: SUPPORT_KINDS, startingStatuses: STARTING_STATUSES };

/** The confirmations the legal case page shows after a save (`?done=`); anything else shows none. */
const DONE = ['created', 'saved', 'status', 'hearing', 'outcome', 'support'] as const;

const today = () => clock.now().toISOString().slice(0, 10);
const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** The offender rows of the form: those typed or stored, and two empty rows to add more (no script needed). */
function offenderRows(values: Record<string, unknown>) {
  const typed = offendersOf(asList(values.offenderName), asList(values.offenderRelationship));
  return [...typed, { name: '', relationship: '' }, { name: '', relationship: '' }].map((o, index) => ({ ...o, index }));
}

/** Refused input (422) or a save from an old version (409): the form again, with what was typed. */
function renderRefused(err: unknown, req: Request, res: Response, view: string, locals: Record<string, unknown>): void {
  if (err instanceof Conflict) {
    res.status(409).render(view, { ...locals, errors: [{ field: '_form', message: req.t('legal:errors.stale') }] });
    return;
  }
  renderInvalid(err, req, res, view, locals);
}

const shownAgain = (err: unknown) => err instanceof Invalid || err instanceof Conflict;

export const legalRoutes = Router();

legalRoutes.use('/cases/:id/legal', (_req, res, next) => {
  res.locals.page.section = 'cases';
  next();
});

legalRoutes.get('/cases/:id/legal/new', permit('case.update'), async (req, res) => {
  const c = await caseForLegalForm(req.caller!, String(req.params.id));
  const values = { complaintDate: today(), status: 'investigation', charges: [] };
  res.render('legal/form', { title: c.caseNumber, c, isNew: true, values, offenders: offenderRows(values), codes: CODES });
});

legalRoutes.post('/cases/:id/legal', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  try {
    const { _csrf, offenderName, offenderRelationship, ...input } = parse(legalNewForm, req.body);
    const legalId = await createLegalCase(req.caller!, id, { ...input, offenders: offendersOf(offenderName, offenderRelationship) });
    res.redirect(303, `/cases/${id}/legal/${legalId}?done=created`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const c = await caseForLegalForm(req.caller!, id);
    const values = typedValues(req.body);
    renderRefused(err, req, res, 'legal/form', { title: c.caseNumber, c, isNew: true, values, offenders: offenderRows(values), codes: CODES });
  }
});

legalRoutes.get('/cases/:id/legal/:legalId', permit('case.read'), async (req, res) => {
  const legal = await legalCasePage(req.caller!, String(req.params.id), String(req.params.legalId));
  res.render('legal/show', { title: legal.caseNumber, legal, done: DONE.find((d) => d === req.query.done), mayUpdate: can(req.caller!.roles, 'case.update') });
});

legalRoutes.get('/cases/:id/legal/:legalId/edit', permit('case.update'), async (req, res) => {
  const found = await legalCaseForEdit(req.caller!, String(req.params.id), String(req.params.legalId));
  const values = { ...found.input, offenderName: found.input.offenders.map((o) => o.name), offenderRelationship: found.input.offenders.map((o) => o.relationship), version: String(found.version) };
  res.render('legal/form', { title: found.caseNumber, c: { caseId: found.caseId, caseNumber: found.caseNumber }, legalId: found.legalId, values, offenders: offenderRows(values), codes: CODES });
});

legalRoutes.post('/cases/:id/legal/:legalId', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  const legalId = String(req.params.legalId);
  try {
    const { _csrf, version, offenderName, offenderRelationship, ...input } = parse(legalEditForm, req.body);
    await updateLegalCase(req.caller!, id, legalId, version, { ...input, offenders: offendersOf(offenderName, offenderRelationship) });
    res.redirect(303, `/cases/${id}/legal/${legalId}?done=saved`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const found = await legalCaseForEdit(req.caller!, id, legalId);
    // After a conflict the form keeps what was typed and carries the current version, so saving again goes through.
    const values = { ...typedValues(req.body), version: String(found.version) };
    renderRefused(err, req, res, 'legal/form', { title: found.caseNumber, c: { caseId: found.caseId, caseNumber: found.caseNumber }, legalId, values, offenders: offenderRows(values), codes: CODES });
  }
});

legalRoutes.get('/cases/:id/legal/:legalId/status', permit('case.update'), async (req, res) => {
  const form = await legalStatusForm(req.caller!, String(req.params.id), String(req.params.legalId));
  res.render('legal/status', { title: form.caseNumber, form, values: { date: today() }, codes: CODES });
});

legalRoutes.post('/cases/:id/legal/:legalId/status', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  const legalId = String(req.params.legalId);
  try {
    const { _csrf, ...change } = parse(statusSchema, req.body);
    await changeLegalStatus(req.caller!, id, legalId, change);
    res.redirect(303, `/cases/${id}/legal/${legalId}?done=status`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const form = await legalStatusForm(req.caller!, id, legalId);
    renderRefused(err, req, res, 'legal/status', { title: form.caseNumber, form, values: typedValues(req.body), codes: CODES });
  }
});

/** The forms of one legal case's parts show its header only: the case number and the stage. */
async function partForm(req: Request) {
  const form = await legalStatusForm(req.caller!, String(req.params.id), String(req.params.legalId));
  return { caseId: form.caseId, caseNumber: form.caseNumber, legalId: form.legalId, status: form.status };
}

legalRoutes.get('/cases/:id/legal/:legalId/hearings/new', permit('case.update'), async (req, res) => {
  const legal = await partForm(req);
  res.render('legal/hearing-form', { title: legal.caseNumber, legal, values: { language: req.language }, codes: CODES });
});

legalRoutes.post('/cases/:id/legal/:legalId/hearings', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  const legalId = String(req.params.legalId);
  try {
    const { _csrf, ...input } = parse(hearingForm, req.body);
    await addHearing(req.caller!, id, legalId, input);
    res.redirect(303, `/cases/${id}/legal/${legalId}?done=hearing#hearings`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const legal = await partForm(req);
    renderRefused(err, req, res, 'legal/hearing-form', { title: legal.caseNumber, legal, values: typedValues(req.body), codes: CODES });
  }
});

legalRoutes.get('/cases/:id/legal/:legalId/hearings/:hearingId/outcome', permit('case.update'), async (req, res) => {
  const found = await hearingForOutcome(req.caller!, String(req.params.id), String(req.params.legalId), String(req.params.hearingId));
  const values = { outcome: found.hearing.outcome, note: found.hearing.note, language: found.hearing.language || req.language };
  res.render('legal/outcome', { title: found.caseNumber, ...found, values, codes: CODES });
});

legalRoutes.post('/cases/:id/legal/:legalId/hearings/:hearingId/outcome', permit('case.update'), async (req, res) => {
  const [id, legalId, hearingId] = [String(req.params.id), String(req.params.legalId), String(req.params.hearingId)];
  try {
    const { _csrf, ...input } = parse(outcomeForm, req.body);
    await recordOutcome(req.caller!, id, legalId, hearingId, input);
    res.redirect(303, `/cases/${id}/legal/${legalId}?done=outcome#hearings`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const found = await hearingForOutcome(req.caller!, id, legalId, hearingId);
    renderRefused(err, req, res, 'legal/outcome', { title: found.caseNumber, ...found, values: typedValues(req.body), codes: CODES });
  }
});

legalRoutes.get('/cases/:id/legal/:legalId/support/new', permit('case.update'), async (req, res) => {
  const legal = await partForm(req);
  res.render('legal/support-form', { title: legal.caseNumber, legal, values: { date: today(), language: req.language, kinds: [] }, codes: CODES });
});

legalRoutes.post('/cases/:id/legal/:legalId/support', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  const legalId = String(req.params.legalId);
  try {
    const { _csrf, ...input } = parse(supportForm, req.body);
    await addSupport(req.caller!, id, legalId, input);
    res.redirect(303, `/cases/${id}/legal/${legalId}?done=support#support`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const legal = await partForm(req);
    renderRefused(err, req, res, 'legal/support-form', { title: legal.caseNumber, legal, values: typedValues(req.body), codes: CODES });
  }
});
