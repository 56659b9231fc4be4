/**
 * Reviews of the plan in force: recording one, correcting a returned one, and the supervisor's sign-off
 * or return. Post and redirect (303); refused input or moves show the page again with 422.
 */
import { Router, type Request, type Response } from 'express';
import { Invalid } from '../../domain/errors.js';
import { clock } from '../../lib/clock.js';
import { permit } from '../../middleware/permit.js';
import { approveReview, recordReview, resubmitReview, returnReview, reviewFormOf, reviewPage } from '../../services/care/reviews.js';
import { typedValues } from '../cases/index.js';
import { parse, renderInvalid } from '../forms.js';
import { CODES, emptyForm, goalProgressOf, returnForm, reviewForm } from './forms.js';

const DONE = ['recorded', 'resubmitted', 'approved', 'returned'] as const;

const reviewHref = (id: string, reviewId: string, done?: string) => `/cases/${id}/reviews/${reviewId}${done ? `?done=${done}` : ''}`;

async function formLocals(req: Request, reviewId?: string) {
  const form = await reviewFormOf(req.caller!, String(req.params.id), reviewId, req.language);
  return { title: req.t('care-plans:review.title', { caseNumber: form.c.caseNumber }), ...form, codes: CODES };
}

/** What was typed, shown again: the form's fields and each goal's status and note. */
function typedReview(req: Request) {
  const values = typedValues(req.body);
  const goals = Object.fromEntries(Object.entries(values).filter(([k]) => /^(status|note)_/.test(k)));
  return { values, goalValues: goals };
}

/** The values of a form read from what is stored, in the shape typedReview gives. */
function storedReview(form: Awaited<ReturnType<typeof formLocals>>, language: string) {
  const goalValues: Record<string, string> = {};
  for (const g of form.goals) {
    goalValues[`status_${g.id}`] = g.reviewStatus;
    goalValues[`note_${g.id}`] = g.reviewNote;
  }
  const r = form.review;
  return {
    values: r ? { date: r.date, decision: r.decision, language: r.language, summary: r.summary } : { date: clock.now().toISOString().slice(0, 10), decision: '', language },
    goalValues,
  };
}

async function pageLocals(req: Request) {
  const page = await reviewPage(req.caller!, String(req.params.id), String(req.params.reviewId), req.language);
  return { title: req.t('care-plans:review.title', { caseNumber: page.c.caseNumber }), ...page };
}

async function pageRefused(err: unknown, req: Request, res: Response): Promise<void> {
  if (!(err instanceof Invalid)) throw err;
  renderInvalid(err, req, res, 'care/review-show', { ...(await pageLocals(req)), values: typedValues(req.body) });
}

export const reviewRoutes = Router();

reviewRoutes.get('/cases/:id/reviews/new', permit('case.update'), async (req, res) => {
  const form = await formLocals(req);
  res.render('care/review-form', { ...form, ...storedReview(form, req.language) });
});

reviewRoutes.post('/cases/:id/reviews', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  try {
    const { _csrf, date, decision, language, summary, ...rest } = parse(reviewForm, req.body);
    const reviewId = await recordReview(req.caller!, id, { date, decision, language, summary, goals: goalProgressOf(rest) });
    res.redirect(303, reviewHref(id, reviewId, 'recorded'));
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    renderInvalid(err, req, res, 'care/review-form', { ...(await formLocals(req)), ...typedReview(req) });
  }
});

reviewRoutes.get('/cases/:id/reviews/:reviewId', permit('case.read'), async (req, res) => {
  res.render('care/review-show', { ...(await pageLocals(req)), done: DONE.find((d) => d === req.query.done) });
});

reviewRoutes.get('/cases/:id/reviews/:reviewId/edit', permit('case.update'), async (req, res) => {
  const form = await formLocals(req, String(req.params.reviewId));
  if (form.review?.status !== 'returned') return res.redirect(303, reviewHref(String(req.params.id), String(req.params.reviewId)));
  res.render('care/review-form', { ...form, ...storedReview(form, req.language) });
});

reviewRoutes.post('/cases/:id/reviews/:reviewId', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  const reviewId = String(req.params.reviewId);
  try {
    const { _csrf, date, decision, language, summary, ...rest } = parse(reviewForm, req.body);
    await resubmitReview(req.caller!, id, reviewId, { date, decision, language, summary, goals: goalProgressOf(rest) });
    res.redirect(303, reviewHref(id, reviewId, 'resubmitted'));
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    renderInvalid(err, req, res, 'care/review-form', { ...(await formLocals(req, reviewId)), ...typedReview(req) });
  }
});

reviewRoutes.post('/cases/:id/reviews/:reviewId/approve', permit('careplan.approve'), async (req, res) => {
  const id = String(req.params.id);
  const reviewId = String(req.params.reviewId);
  try {
    parse(emptyForm, req.body);
    const { draftId } = await approveReview(req.caller!, id, reviewId);
    // A review that decided to revise opens the new draft: the caseworker's next step is there.
    res.redirect(303, draftId ? `/cases/${id}/care-plans/${draftId}?done=fromReview` : reviewHref(id, reviewId, 'approved'));
  } catch (err) {
    await pageRefused(err, req, res);
  }
});

reviewRoutes.post('/cases/:id/reviews/:reviewId/return', permit('careplan.approve'), async (req, res) => {
  const id = String(req.params.id);
  const reviewId = String(req.params.reviewId);
  try {
    const { comment } = parse(returnForm, req.body);
    await returnReview(req.caller!, id, reviewId, comment, req.language);
    res.redirect(303, reviewHref(id, reviewId, 'returned'));
  } catch (err) {
    await pageRefused(err, req, res);
  }
});
