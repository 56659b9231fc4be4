/**
 * Closure with a supervisor's approval, reopening, and the follow-up visits after a reintegration. One
 * page, `/cases/:id/closure`, shows where the case stands and the form for the next step the caller may
 * take: propose (caseworker or supervisor), approve or return (another supervisor of the team), reopen
 * (a supervisor, once closed). Refused input shows the page again (422).
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { Invalid } from '../../domain/errors.js';
import { LOCALES } from '../../domain/locales.js';
import { LOOKUPS } from '../../domain/lookups.js';
import { clock } from '../../lib/clock.js';
import { toLatinDigits } from '../../lib/i18n/format.js';
import { permit } from '../../middleware/permit.js';
import { checkCaseAccess } from '../../services/cases/cases.js';
import { approveClosure, closurePage, proposeClosure, reopenCase, returnClosure } from '../../services/cases/closure.js';
import { followUpPage, recordFollowUp } from '../../services/cases/follow-ups.js';
import { StaleVersion } from '../../services/cases/records.js';
import { form, freeText, labelFields, line, parse, renderInvalid } from '../forms.js';
import { version } from './forms.js';
import { typedValues } from './index.js';

const date = line().min(1).max(10).transform(toLatinDigits);
const language = z.enum(LOCALES);
const objectId = z.string().regex(/^[0-9a-f]{24}$/i);
const yesNo = z.enum(['yes', 'no']).transform((v) => v === 'yes');

const proposeForm = form({ reason: z.enum(LOOKUPS.closureReason as unknown as [string, ...string[]]), date, note: freeText(5000), language });
const approveForm = form({ proposal: objectId });
const returnForm = form({ proposal: objectId, comment: freeText(5000), language });
const reopenForm = form({ reopenReason: z.string().max(40), reopenDate: date, version });
const followUpForm = form({ visitDate: date, safe: yesNo, livingAsPlanned: yesNo, inSchoolOrWork: yesNo, note: freeText(5000), language });

labelFields('cases/closure', {
  reason: 'closure:propose.reason',
  date: 'closure:propose.date',
  language: 'closure:textLanguage',
  note: 'closure:propose.note',
  comment: 'closure:decide.comment',
  reopenReason: 'closure:reopen.reason',
  reopenDate: 'closure:reopen.date',
});
labelFields('cases/follow-up', {
  visitDate: 'closure:followUps.visitDate',
  safe: 'closure:followUps.safe',
  livingAsPlanned: 'closure:followUps.livingAsPlanned',
  inSchoolOrWork: 'closure:followUps.inSchoolOrWork',
  language: 'closure:textLanguage',
  note: 'closure:followUps.note',
});

/** Confirmations the closure and follow-up pages show after a step (`?done=`); anything else shows none. */
const DONE = ['proposed', 'returned', 'recorded'] as const;

function doneOf(req: Request) {
  return DONE.find((d) => d === req.query.done);
}

function today(): string {
  return clock.now().toISOString().slice(0, 10);
}

async function renderClosure(req: Request, res: Response, values: Record<string, unknown>, err?: unknown): Promise<void> {
  if (err !== undefined && !(err instanceof Invalid)) throw err;
  const page = await closurePage(req.caller!, String(req.params.id));
  const locals = { title: page.caseNumber, c: page, values: { date: today(), reopenDate: today(), language: req.language, ...values }, done: doneOf(req) };
  if (err !== undefined) renderInvalid(err, req, res, 'cases/closure', locals);
  else res.render('cases/closure', locals);
}

export const caseClosureRoutes = Router();

caseClosureRoutes.get('/cases/:id/closure', permit('case.read'), async (req, res) => {
  await renderClosure(req, res, {});
});

caseClosureRoutes.post('/cases/:id/closure', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  await checkCaseAccess(req.caller!, id, 'case.update');
  try {
    const { _csrf, ...input } = parse(proposeForm, req.body);
    await proposeClosure(req.caller!, id, input);
  } catch (err) {
    await renderClosure(req, res, typedValues(req.body), err);
    return;
  }
  res.redirect(303, `/cases/${id}/closure?done=proposed`);
});

caseClosureRoutes.post('/cases/:id/closure/approve', permit('case.close'), async (req, res) => {
  const id = String(req.params.id);
  await checkCaseAccess(req.caller!, id, 'case.close');
  try {
    const input = parse(approveForm, req.body);
    await approveClosure(req.caller!, id, input.proposal);
  } catch (err) {
    await renderClosure(req, res, typedValues(req.body), err);
    return;
  }
  res.redirect(303, `/cases/${id}?done=close`);
});

caseClosureRoutes.post('/cases/:id/closure/return', permit('case.close'), async (req, res) => {
  const id = String(req.params.id);
  await checkCaseAccess(req.caller!, id, 'case.close');
  try {
    const { proposal, ...input } = parse(returnForm, req.body);
    await returnClosure(req.caller!, id, proposal, input);
  } catch (err) {
    await renderClosure(req, res, typedValues(req.body), err);
    return;
  }
  res.redirect(303, `/cases/${id}/closure?done=returned`);
});

caseClosureRoutes.post('/cases/:id/closure/reopen', permit('case.close'), async (req, res) => {
  const id = String(req.params.id);
  await checkCaseAccess(req.caller!, id, 'case.close');
  try {
    const input = parse(reopenForm, req.body);
    await reopenCase(req.caller!, id, { reason: input.reopenReason, date: input.reopenDate, version: input.version });
  } catch (err) {
    if (err instanceof StaleVersion) return res.redirect(303, `/cases/${id}?done=conflict`);
    await renderClosure(req, res, typedValues(req.body), err);
    return;
  }
  res.redirect(303, `/cases/${id}?done=reopen`);
});

async function renderFollowUp(req: Request, res: Response, values: Record<string, unknown>, err?: unknown): Promise<void> {
  if (err !== undefined && !(err instanceof Invalid)) throw err;
  const page = await followUpPage(req.caller!, String(req.params.id), String(req.params.followUpId));
  const locals = { title: page.caseNumber, ...page, values: { visitDate: today(), language: req.language, ...values }, done: doneOf(req) };
  if (err !== undefined) renderInvalid(err, req, res, 'cases/follow-up', locals);
  else res.render('cases/follow-up', locals);
}

caseClosureRoutes.get('/cases/:id/follow-ups/:followUpId', permit('case.read'), async (req, res) => {
  await renderFollowUp(req, res, {});
});

caseClosureRoutes.post('/cases/:id/follow-ups/:followUpId', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  const followUpId = String(req.params.followUpId);
  await checkCaseAccess(req.caller!, id, 'case.update');
  try {
    const { _csrf, ...input } = parse(followUpForm, req.body);
    await recordFollowUp(req.caller!, id, followUpId, input);
  } catch (err) {
    await renderFollowUp(req, res, typedValues(req.body), err);
    return;
  }
  res.redirect(303, `/cases/${id}/follow-ups/${followUpId}?done=recorded`);
});
