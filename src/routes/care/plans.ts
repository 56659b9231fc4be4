/**
 * Care plans: starting a version, its goals and interventions while a draft, progress on the plan in
 * force, and the supervisor's decision. Every form posts and redirects (303); refused input or a move the
 * machine does not allow shows the page again with 422 and changes nothing.
 */
import { Router, type Request, type Response } from 'express';
import { Invalid } from '../../domain/errors.js';
import { clock } from '../../lib/clock.js';
import { permit } from '../../middleware/permit.js';
import { addGoal, addIntervention, goalFormOf, recordProgress, removeGoal, removeIntervention, setInterventionStatus, updateGoal, updateIntervention, type GoalForm } from '../../services/care/plan-goals.js';
import { approvePlan, draftFromAssessment, planPage, planStart, returnPlan, revisePlan, startVersion, submitPlan } from '../../services/care/plans.js';
import { typedValues } from '../cases/index.js';
import { parse, renderInvalid } from '../forms.js';
import { CODES, emptyForm, fromAssessmentForm, goalForm, interventionForm, interventionStatusForm, progressForm, returnForm } from './forms.js';

/** The confirmations the plan page shows after a change (`?done=`); anything else shows none. */
const DONE = ['started', 'fromReview', 'goal', 'goalRemoved', 'intervention', 'interventionRemoved', 'submitted', 'approved', 'activated', 'returned', 'revised', 'progress', 'status'] as const;

const ids = (req: Request) => ({
  id: String(req.params.id),
  planId: String(req.params.planId),
  goalId: String(req.params.goalId ?? ''),
  interventionId: String(req.params.interventionId ?? ''),
});

const today = () => clock.now().toISOString().slice(0, 10);
const planHref = (id: string, planId: string, done?: string, anchor = '') => `/cases/${id}/care-plans/${planId}${done ? `?done=${done}` : ''}${anchor}`;

async function planLocals(req: Request) {
  const { id, planId } = ids(req);
  const page = await planPage(req.caller!, id, planId, req.language);
  return { title: req.t('care-plans:plan.title', { version: page.plan.version, caseNumber: page.c.caseNumber }), ...page, today: today(), codes: CODES };
}

/** A move refused on the plan page (422): the page again, with the message. Anything else goes on to the error handler. */
async function planRefused(err: unknown, req: Request, res: Response): Promise<void> {
  if (!(err instanceof Invalid)) throw err;
  renderInvalid(err, req, res, 'care/plan-show', { ...(await planLocals(req)), values: typedValues(req.body) });
}

async function startLocals(req: Request) {
  const start = await planStart(req.caller!, String(req.params.id));
  return { title: req.t('care-plans:start.title', { caseNumber: start.c.caseNumber }), ...start };
}

/** What a goal or intervention form shows, with the title of the page. */
function formTitle(req: Request, form: GoalForm, key: string) {
  return req.t(key, { version: form.plan.version, caseNumber: form.c.caseNumber });
}

export const carePlanRoutes = Router();

/** The start page of a plan; `?assessment=` (the assessment page's link) preselects the one to draft from. */
carePlanRoutes.get('/cases/:id/care-plans/new', permit('case.update'), async (req, res) => {
  const assessmentId = typeof req.query.assessment === 'string' && /^[a-f0-9]{24}$/.test(req.query.assessment) ? req.query.assessment : undefined;
  res.render('care/plan-new', { ...(await startLocals(req)), values: { assessmentId } });
});

carePlanRoutes.post('/cases/:id/care-plans', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  try {
    parse(emptyForm, req.body);
    res.redirect(303, planHref(id, await startVersion(req.caller!, id), 'started'));
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    renderInvalid(err, req, res, 'care/plan-new', await startLocals(req));
  }
});

carePlanRoutes.post('/cases/:id/care-plans/from-assessment', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  try {
    const { assessmentId } = parse(fromAssessmentForm, req.body);
    res.redirect(303, planHref(id, await draftFromAssessment(req.caller!, id, assessmentId, req.language), 'started'));
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    renderInvalid(err, req, res, 'care/plan-new', { ...(await startLocals(req)), values: typedValues(req.body) });
  }
});

carePlanRoutes.get('/cases/:id/care-plans/:planId', permit('case.read'), async (req, res) => {
  res.render('care/plan-show', { ...(await planLocals(req)), done: DONE.find((d) => d === req.query.done) });
});

carePlanRoutes.post('/cases/:id/care-plans/:planId/submit', permit('case.update'), async (req, res) => {
  const { id, planId } = ids(req);
  try {
    parse(emptyForm, req.body);
    await submitPlan(req.caller!, id, planId);
    res.redirect(303, planHref(id, planId, 'submitted'));
  } catch (err) {
    await planRefused(err, req, res);
  }
});

carePlanRoutes.post('/cases/:id/care-plans/:planId/approve', permit('careplan.approve'), async (req, res) => {
  const { id, planId } = ids(req);
  try {
    parse(emptyForm, req.body);
    const activated = await approvePlan(req.caller!, id, planId);
    res.redirect(303, planHref(id, planId, activated ? 'activated' : 'approved'));
  } catch (err) {
    await planRefused(err, req, res);
  }
});

carePlanRoutes.post('/cases/:id/care-plans/:planId/return', permit('careplan.approve'), async (req, res) => {
  const { id, planId } = ids(req);
  try {
    const { comment } = parse(returnForm, req.body);
    await returnPlan(req.caller!, id, planId, comment, req.language);
    res.redirect(303, planHref(id, planId, 'returned'));
  } catch (err) {
    await planRefused(err, req, res);
  }
});

carePlanRoutes.post('/cases/:id/care-plans/:planId/revise', permit('case.update'), async (req, res) => {
  const { id, planId } = ids(req);
  try {
    parse(emptyForm, req.body);
    await revisePlan(req.caller!, id, planId);
    res.redirect(303, planHref(id, planId, 'revised'));
  } catch (err) {
    await planRefused(err, req, res);
  }
});

// Goals of a draft.

carePlanRoutes.get('/cases/:id/care-plans/:planId/goals/new', permit('case.update'), async (req, res) => {
  const { id, planId } = ids(req);
  const form = await goalFormOf(req.caller!, id, planId, undefined, req.language);
  if (form.plan.status !== 'draft') return res.redirect(303, planHref(id, planId));
  res.render('care/plan-goal-form', { title: formTitle(req, form, 'care-plans:goal.add'), ...form, values: { language: req.language, status: 'not_started', rev: form.plan.rev }, codes: CODES });
});

carePlanRoutes.post('/cases/:id/care-plans/:planId/goals', permit('case.update'), async (req, res) => {
  const { id, planId } = ids(req);
  try {
    const { _csrf, ...input } = parse(goalForm, req.body);
    const goalId = await addGoal(req.caller!, id, planId, input);
    res.redirect(303, planHref(id, planId, 'goal', `#goal-${goalId}`));
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    const form = await goalFormOf(req.caller!, id, planId, undefined, req.language);
    renderInvalid(err, req, res, 'care/plan-goal-form', { title: formTitle(req, form, 'care-plans:goal.add'), ...form, values: typedValues(req.body), codes: CODES });
  }
});

carePlanRoutes.get('/cases/:id/care-plans/:planId/goals/:goalId', permit('case.update'), async (req, res) => {
  const { id, planId, goalId } = ids(req);
  const form = await goalFormOf(req.caller!, id, planId, goalId, req.language);
  if (form.plan.status !== 'draft') return res.redirect(303, planHref(id, planId, undefined, `#goal-${goalId}`));
  const g = form.goal!;
  const values = { domain: g.domain, text: g.defaultText ? req.t(`care-plans:defaultGoal.${g.domain}`) : g.text, language: g.defaultText ? req.language : g.language, targetDate: g.targetDate.toISOString().slice(0, 10), status: g.status, rev: form.plan.rev };
  res.render('care/plan-goal-form', { title: formTitle(req, form, 'care-plans:goal.edit'), ...form, values, codes: CODES });
});

carePlanRoutes.post('/cases/:id/care-plans/:planId/goals/:goalId', permit('case.update'), async (req, res) => {
  const { id, planId, goalId } = ids(req);
  try {
    const { _csrf, ...input } = parse(goalForm, req.body);
    await updateGoal(req.caller!, id, planId, goalId, input);
    res.redirect(303, planHref(id, planId, 'goal', `#goal-${goalId}`));
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    const form = await goalFormOf(req.caller!, id, planId, goalId, req.language);
    renderInvalid(err, req, res, 'care/plan-goal-form', { title: formTitle(req, form, 'care-plans:goal.edit'), ...form, values: typedValues(req.body), codes: CODES });
  }
});

carePlanRoutes.post('/cases/:id/care-plans/:planId/goals/:goalId/remove', permit('case.update'), async (req, res) => {
  const { id, planId, goalId } = ids(req);
  try {
    parse(emptyForm, req.body);
    await removeGoal(req.caller!, id, planId, goalId);
    res.redirect(303, planHref(id, planId, 'goalRemoved'));
  } catch (err) {
    await planRefused(err, req, res);
  }
});

// Progress on the plan in force.

carePlanRoutes.get('/cases/:id/care-plans/:planId/goals/:goalId/progress', permit('case.update'), async (req, res) => {
  const { id, planId, goalId } = ids(req);
  const form = await goalFormOf(req.caller!, id, planId, goalId, req.language);
  if (form.plan.status !== 'approved') return res.redirect(303, planHref(id, planId, undefined, `#goal-${goalId}`));
  res.render('care/plan-progress-form', { title: formTitle(req, form, 'care-plans:progress.title'), ...form, values: { status: form.goal!.status, date: today(), language: req.language }, codes: CODES });
});

carePlanRoutes.post('/cases/:id/care-plans/:planId/goals/:goalId/progress', permit('case.update'), async (req, res) => {
  const { id, planId, goalId } = ids(req);
  try {
    const { _csrf, ...input } = parse(progressForm, req.body);
    await recordProgress(req.caller!, id, planId, goalId, input);
    res.redirect(303, planHref(id, planId, 'progress', `#goal-${goalId}`));
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    const form = await goalFormOf(req.caller!, id, planId, goalId, req.language);
    renderInvalid(err, req, res, 'care/plan-progress-form', { title: formTitle(req, form, 'care-plans:progress.title'), ...form, values: typedValues(req.body), codes: CODES });
  }
});

// Interventions of a goal.

carePlanRoutes.get('/cases/:id/care-plans/:planId/goals/:goalId/interventions/new', permit('case.update'), async (req, res) => {
  const { id, planId, goalId } = ids(req);
  const form = await goalFormOf(req.caller!, id, planId, goalId, req.language, { responsibles: true });
  if (form.plan.status !== 'draft') return res.redirect(303, planHref(id, planId, undefined, `#goal-${goalId}`));
  res.render('care/plan-intervention-form', { title: formTitle(req, form, 'care-plans:intervention.add'), ...form, values: { status: 'planned', rev: form.plan.rev }, codes: CODES });
});

carePlanRoutes.post('/cases/:id/care-plans/:planId/goals/:goalId/interventions', permit('case.update'), async (req, res) => {
  const { id, planId, goalId } = ids(req);
  try {
    const { _csrf, ...input } = parse(interventionForm, req.body);
    await addIntervention(req.caller!, id, planId, goalId, input);
    res.redirect(303, planHref(id, planId, 'intervention', `#goal-${goalId}`));
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    const form = await goalFormOf(req.caller!, id, planId, goalId, req.language, { responsibles: true });
    renderInvalid(err, req, res, 'care/plan-intervention-form', { title: formTitle(req, form, 'care-plans:intervention.add'), ...form, values: typedValues(req.body), codes: CODES });
  }
});

carePlanRoutes.get('/cases/:id/care-plans/:planId/goals/:goalId/interventions/:interventionId', permit('case.update'), async (req, res) => {
  const { id, planId, goalId, interventionId } = ids(req);
  const form = await goalFormOf(req.caller!, id, planId, goalId, req.language, { responsibles: true, interventionId });
  const intervention = form.intervention!;
  if (form.plan.status !== 'draft') return res.redirect(303, planHref(id, planId, undefined, `#goal-${goalId}`));
  const values = { service: intervention.service, responsible: `${intervention.responsibleKind}:${intervention.responsibleId}`, dueDate: intervention.dueDate.toISOString().slice(0, 10), status: intervention.status, rev: form.plan.rev };
  res.render('care/plan-intervention-form', { title: formTitle(req, form, 'care-plans:intervention.edit'), ...form, values, codes: CODES });
});

carePlanRoutes.post('/cases/:id/care-plans/:planId/goals/:goalId/interventions/:interventionId', permit('case.update'), async (req, res) => {
  const { id, planId, goalId, interventionId } = ids(req);
  try {
    const { _csrf, ...input } = parse(interventionForm, req.body);
    await updateIntervention(req.caller!, id, planId, goalId, interventionId, input);
    res.redirect(303, planHref(id, planId, 'intervention', `#goal-${goalId}`));
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    const form = await goalFormOf(req.caller!, id, planId, goalId, req.language, { responsibles: true, interventionId });
    renderInvalid(err, req, res, 'care/plan-intervention-form', { title: formTitle(req, form, 'care-plans:intervention.edit'), ...form, values: typedValues(req.body), codes: CODES });
  }
});

carePlanRoutes.post('/cases/:id/care-plans/:planId/goals/:goalId/interventions/:interventionId/remove', permit('case.update'), async (req, res) => {
  const { id, planId, goalId, interventionId } = ids(req);
  try {
    parse(emptyForm, req.body);
    await removeIntervention(req.caller!, id, planId, goalId, interventionId);
    res.redirect(303, planHref(id, planId, 'interventionRemoved', `#goal-${goalId}`));
  } catch (err) {
    await planRefused(err, req, res);
  }
});

carePlanRoutes.post('/cases/:id/care-plans/:planId/goals/:goalId/interventions/:interventionId/status', permit('case.update'), async (req, res) => {
  const { id, planId, goalId, interventionId } = ids(req);
  try {
    const { status } = parse(interventionStatusForm, req.body);
    await setInterventionStatus(req.caller!, id, planId, goalId, interventionId, status);
    res.redirect(303, planHref(id, planId, 'status', `#goal-${goalId}`));
  } catch (err) {
    await planRefused(err, req, res);
  }
});
