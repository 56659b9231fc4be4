/** Assessments of a case: the form to record one, recording it, and the page that reads one. */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { ASSESSMENT_TYPES, CARE_DOMAINS, NOTE_MAX, SCORES, type CareDomain, type Score } from '../../domain/assessments.js';
import { LOCALES } from '../../domain/locales.js';
import { clock } from '../../lib/clock.js';
import { toLatinDigits } from '../../lib/i18n/format.js';
import { permit } from '../../middleware/permit.js';
import { assessmentFormFor, getAssessment, recordAssessment, type AssessmentInput } from '../../services/care/assessments.js';
import { checkCaseAccess } from '../../services/cases/cases.js';
import { form, labelFields, line, optionalFreeText, parse, renderInvalid } from '../forms.js';
import { typedValues } from '../cases/index.js';

const VIEW = 'care/assessment-new';

/** A domain's radio group: a score 1-5, or nothing ("not assessed"). */
const score = z.enum(['', ...SCORES.map(String)] as [string, ...string[]]).optional().default('');

const assessmentForm = form({
  type: z.enum(ASSESSMENT_TYPES),
  date: line().min(1).max(10).transform(toLatinDigits),
  language: z.enum(LOCALES),
  overall: optionalFreeText(NOTE_MAX),
  ...Object.fromEntries(CARE_DOMAINS.flatMap((d) => [[`score_${d}`, score], [`note_${d}`, optionalFreeText(NOTE_MAX)]])),
});

labelFields(VIEW, {
  type: 'assessments:form.type',
  date: 'assessments:form.date',
  language: 'assessments:form.language',
  ...Object.fromEntries(CARE_DOMAINS.flatMap((d) => [[`score_${d}`, `assessments:domains.${d}`], [`note_${d}`, `assessments:form.noteOf.${d}`]])),
  overall: 'assessments:form.overall',
});

/** The parsed form as the service takes it. */
function inputOf(body: Record<string, string>): AssessmentInput {
  const scores: Partial<Record<CareDomain, Score>> = {};
  const notes: Partial<Record<CareDomain, string>> = {};
  for (const d of CARE_DOMAINS) {
    if (body[`score_${d}`]) scores[d] = Number(body[`score_${d}`]) as Score;
    if (body[`note_${d}`]) notes[d] = body[`note_${d}`];
  }
  return { type: body.type!, date: body.date!, language: body.language!, scores, notes, overall: body.overall ?? '' };
}

/** Each domain's radio group as the form shows it: the five scores with their descriptors, the one chosen. */
function domainFields(values: Record<string, string | string[]>) {
  return CARE_DOMAINS.map((domain) => {
    const chosen = typeof values[`score_${domain}`] === 'string' ? values[`score_${domain}`] : '';
    return {
      domain,
      field: `score_${domain}`,
      noteField: `note_${domain}`,
      note: typeof values[`note_${domain}`] === 'string' ? values[`note_${domain}`] : '',
      notAssessed: !chosen,
      scores: SCORES.map((s) => ({ value: s, checked: chosen === String(s) })),
    };
  });
}

function formLocals(req: Request, c: Awaited<ReturnType<typeof assessmentFormFor>>, values: Record<string, string | string[]>) {
  return { title: req.t('assessments:form.title'), c, values, domains: domainFields(values), types: ASSESSMENT_TYPES, today: clock.now().toISOString().slice(0, 10) };
}

export const assessmentRoutes = Router();

assessmentRoutes.use('/cases', (_req, res, next) => {
  res.locals.page.section = 'cases';
  next();
});

assessmentRoutes.get('/cases/:id/assessments/new', permit('case.update'), async (req, res) => {
  const c = await assessmentFormFor(req.caller!, String(req.params.id));
  res.render(VIEW, formLocals(req, c, { date: clock.now().toISOString().slice(0, 10), language: req.language }));
});

assessmentRoutes.post('/cases/:id/assessments', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  // A case out of the caller's reach answers 404 before its input is looked at (C2).
  await checkCaseAccess(req.caller!, id, 'case.update');
  try {
    const { _csrf, ...body } = parse(assessmentForm, req.body) as Record<string, string>;
    await recordAssessment(req.caller!, id, inputOf(body));
    res.redirect(303, `/cases/${id}?done=assessment#assessments`);
  } catch (err) {
    const c = await assessmentFormFor(req.caller!, id);
    renderInvalid(err, req, res, VIEW, formLocals(req, c, typedValues(req.body)));
  }
});

assessmentRoutes.get('/cases/:id/assessments/:assessmentId', permit('case.read'), async (req, res) => {
  const found = await getAssessment(req.caller!, String(req.params.id), String(req.params.assessmentId));
  res.render('care/assessment-show', { title: req.t(`assessments:types.${found.assessment.type}`), ...found });
});
