/** Editing a case's details and assignment, and its history (closing and reopening: ./closure.ts). */
import { Router, type Request, type Response } from 'express';
import { permit } from '../../middleware/permit.js';
import { caseHistory } from '../../services/cases/history.js';
import { StaleVersion } from '../../services/cases/records.js';
import { listFilterOptions } from '../../services/cases/list.js';
import { assignCase, caseForEdit, updateCase } from '../../services/cases/cases.js';
import { Invalid } from '../../domain/errors.js';
import { parse, renderInvalid } from '../forms.js';
import { assignForm, detailsForm } from './forms.js';
import { typedValues } from './index.js';
import { formOptions } from './options.js';

/**
 * A save refused because someone saved first (V3): 409, the form again with what the user typed, and
 * the list of changes made meanwhile, with the values now stored beside it.
 */
/**
 * Whether a failed save is shown again as its form (refused input, or a save from an old version). The
 * case is loaded for that form only then, inside the caller's scope, so a save that goes through reads
 * the case once, in its service.
 */
export function shownAgain(err: unknown): boolean {
  return err instanceof Invalid || err instanceof StaleVersion;
}

export function renderConflict(err: unknown, req: Request, res: Response, view: string, locals: Record<string, unknown>): void {
  if (!(err instanceof StaleVersion)) {
    renderInvalid(err, req, res, view, locals);
    return;
  }
  res.status(409).render(view, { ...locals, conflict: { changes: err.changes } });
}

export const caseEditRoutes = Router();

caseEditRoutes.get('/cases/:id/edit', permit('case.update'), async (req, res) => {
  const c = await caseForEdit(req.caller!, String(req.params.id));
  res.render('cases/edit', { title: c.caseNumber, c, values: { ...c.details, version: c.version }, ...formOptions(req) });
});

caseEditRoutes.post('/cases/:id', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  try {
    const { version, _csrf, ...details } = parse(detailsForm, req.body);
    await updateCase(req.caller!, id, version, details);
    res.redirect(303, `/cases/${id}?done=saved`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const current = await caseForEdit(req.caller!, id);
    // On a conflict the form keeps what was typed but carries the current version, so saving again
    // after reading the changes goes through.
    const values = { ...typedValues(req.body), version: String(current.version) };
    renderConflict(err, req, res, 'cases/edit', { title: current.caseNumber, c: current, values, stored: current.details, ...formOptions(req) });
  }
});

caseEditRoutes.get('/cases/:id/assign', permit('case.assign'), async (req, res) => {
  const c = await caseForEdit(req.caller!, String(req.params.id));
  res.render('cases/assign', { title: c.caseNumber, c, ...(await listFilterOptions(req.caller!)), assigned: c.assignment });
});

caseEditRoutes.post('/cases/:id/assign', permit('case.assign'), async (req, res) => {
  const id = String(req.params.id);
  try {
    const input = parse(assignForm, req.body);
    await assignCase(req.caller!, id, input.version, input);
    res.redirect(303, `/cases/${id}?done=assigned`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const c = await caseForEdit(req.caller!, id);
    renderConflict(err, req, res, 'cases/assign', { title: c.caseNumber, c, ...(await listFilterOptions(req.caller!)), assigned: c.assignment });
  }
});

caseEditRoutes.get('/cases/:id/history', permit('case.history'), async (req, res) => {
  const history = await caseHistory(req.caller!, String(req.params.id));
  res.render('cases/history', { title: history.caseNumber, history });
});
