/**
 * The care-plan and review forms' schemas (SECURITY.md I1, C5): strict, capped, codes from the domain.
 * A field a form does not have (status of the version, who submitted it, the case) is refused as an
 * unknown field with 422. The review form holds one status and one note per goal of the plan, named
 * `status_<goalId>` and `note_<goalId>`: any other extra field is refused the same way.
 */
import { z } from 'zod';
import { CARE_DOMAINS } from '../../domain/assessments.js';
import { COMMENT_MAX, GOAL_STATUSES, GOAL_TEXT_MAX, INTERVENTION_STATUSES, MAX_GOALS, NOTE_TEXT_MAX, REVIEW_DECISIONS } from '../../domain/care-plans.js';
import { LOCALES } from '../../domain/locales.js';
import { LOOKUPS } from '../../domain/lookups.js';
import { toLatinDigits } from '../../lib/i18n/format.js';
import type { GoalProgressInput } from '../../services/care/reviews.js';
import { code, version } from '../cases/forms.js';
import { form, freeText, labelFields, line, multiline, optionalFreeText } from '../forms.js';

/** The code lists the care-plan pages offer, labelled in care-plans, assessments and lookups. */
export const CODES = { domains: CARE_DOMAINS, goalStatuses: GOAL_STATUSES, interventionStatuses: INTERVENTION_STATUSES, decisions: REVIEW_DECISIONS, services: LOOKUPS.serviceType } as const;

const date = line().min(1).max(10).transform(toLatinDigits);
const language = z.enum(LOCALES);
const objectId = z.string().regex(/^[0-9a-f]{24}$/i);
/** The revision of the version the form was read at (SECURITY.md V3). */
const rev = version;

export const goalForm = form({ domain: z.enum(CARE_DOMAINS), text: freeText(GOAL_TEXT_MAX), language, targetDate: date, status: z.enum(GOAL_STATUSES), rev });
export const interventionForm = form({
  service: code('serviceType'),
  responsible: z.string().max(40).regex(/^(user|organisation):[0-9a-f]{24}$/i),
  dueDate: date,
  status: z.enum(INTERVENTION_STATUSES),
  rev,
});
export const progressForm = form({ status: z.enum(GOAL_STATUSES), date, language, text: optionalFreeText(NOTE_TEXT_MAX) });
export const interventionStatusForm = form({ status: z.enum(INTERVENTION_STATUSES) });
export const returnForm = form({ comment: freeText(COMMENT_MAX) });
export const fromAssessmentForm = form({ assessmentId: objectId });
export const emptyForm = form({});

const REVIEW_FIELDS = new Set(['_csrf', 'date', 'decision', 'language', 'summary']);
const GOAL_FIELD = /^(status|note)_([0-9a-f]{24})$/;

/** A review: its day, decision, language and overall note, and a status and note per goal. */
export const reviewForm = z
  .object({
    _csrf: z.string().max(200).optional(),
    date,
    decision: z.enum(REVIEW_DECISIONS),
    language,
    summary: optionalFreeText(NOTE_TEXT_MAX),
  })
  .catchall(multiline().max(NOTE_TEXT_MAX))
  .superRefine((value, ctx) => {
    const extra = Object.keys(value).filter((k) => !REVIEW_FIELDS.has(k));
    if (extra.some((k) => !GOAL_FIELD.test(k)) || extra.length > 2 * MAX_GOALS) ctx.addIssue({ code: 'custom', path: ['_form'], message: 'common:form.unknownField' });
  });

/** The per-goal fields of a parsed review form, as the service takes them. */
export function goalProgressOf(value: Record<string, unknown>): GoalProgressInput[] {
  const goals = new Map<string, GoalProgressInput>();
  for (const [key, v] of Object.entries(value)) {
    const m = GOAL_FIELD.exec(key);
    if (!m || typeof v !== 'string') continue;
    const g = goals.get(m[2]!) ?? { goalId: m[2]!, status: '', note: '' };
    if (m[1] === 'status') g.status = v;
    else g.note = v;
    goals.set(m[2]!, g);
  }
  return [...goals.values()];
}

labelFields('care/plan-goal-form', { domain: 'care-plans:fields.domain', text: 'care-plans:fields.goalText', language: 'care-plans:fields.language', targetDate: 'care-plans:fields.targetDate', status: 'care-plans:fields.goalStatus' });
labelFields('care/plan-intervention-form', { service: 'care-plans:fields.service', responsible: 'care-plans:fields.responsible', dueDate: 'care-plans:fields.dueDate', status: 'care-plans:fields.interventionStatus' });
labelFields('care/plan-progress-form', { status: 'care-plans:fields.goalStatus', date: 'care-plans:fields.progressDate', language: 'care-plans:fields.language', text: 'care-plans:fields.progressNote' });
labelFields('care/plan-show', { comment: 'care-plans:fields.returnComment', status: 'care-plans:fields.interventionStatus' });
labelFields('care/plan-new', { assessmentId: 'care-plans:fields.assessment' });
labelFields('care/review-form', { date: 'care-plans:fields.reviewDate', decision: 'care-plans:fields.decision', language: 'care-plans:fields.language', summary: 'care-plans:fields.summary' });
labelFields('care/review-show', { comment: 'care-plans:fields.returnComment' });
