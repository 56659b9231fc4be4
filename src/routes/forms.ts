/**
 * Parsing form input with strict schemas (SECURITY.md I1-I3): unknown fields are refused, lengths are
 * capped, every value must be a plain string (an operator object or a repeated field is refused), and
 * a refusal names the field and the message key to show beside it.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { Invalid } from '../domain/errors.js';

/** A form's fields plus the CSRF token, nothing else. */
export function form<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject({ ...shape, _csrf: z.string().max(200).optional() });
}

/**
 * C0 and C1 control characters and DEL (U+0000-U+001F, U+007F-U+009F). They are invisible, break
 * lines where none belong, and end strings early in other systems: names and codes never hold them.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
/** Free text keeps tab and line feed (a carriage return only as part of CRLF, made LF first). */
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/** One line of text (names, codes, titles, places): every control character is refused, tab too. */
export const line = () => z.string().refine((v) => !CONTROL.test(v), { message: 'common:form.controlCharacters' }).trim();
/** Several lines (notes, narratives, reasons): CRLF becomes LF; tab and LF are the only control characters kept. */
export const multiline = () =>
  z
    .string()
    .overwrite((v) => v.replace(/\r\n/g, '\n'))
    .refine((v) => !CONTROL_IN_TEXT.test(v), { message: 'common:form.controlCharactersText' })
    .trim();

export const text = (max: number) => line().min(1).max(max);
export const optionalText = (max: number) => line().max(max).optional().default('');
export const freeText = (max: number) => multiline().min(1).max(max);
export const optionalFreeText = (max: number) => multiline().max(max).optional().default('');
/** Passwords are kept exactly as typed (no trimming); the rules check their length. */
export const secret = z.string().min(1).max(1024);

/** A message key carried by a refinement (`ns:key`), or the key for the kind of problem. */
function messageKey(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.code === 'custom' && /^[a-z]+:[\w.]+$/.test(issue.message)) return issue.message;
  // Nothing given (an empty field, a "choose" option, no box ticked): the field is required.
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return 'common:form.required';
  if (issue.code === 'too_small') return 'common:form.required';
  if (issue.code === 'too_big') return 'common:form.tooLong';
  return 'common:form.invalid';
}

export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  const body = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      fields._form = 'common:form.unknownField';
      continue;
    }
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : '_form';
    fields[field] ??= messageKey(issue, Object.hasOwn(body, field) ? body[field] : undefined);
  }
  throw new Invalid(fields);
}

/**
 * The labels of each form's fields, in the order the form shows them, by the view that renders the
 * form: an error names its field, and the summary lists the errors in the form's order.
 */
const LABELS = new Map<string, Readonly<Record<string, string>>>();

export function labelFields(view: string, labels: Readonly<Record<string, string>>): void {
  LABELS.set(view, labels);
}

/** The errors of an Invalid for a view: form-wide problems first, then each field in the form's order. */
export function namedErrors(req: Request, view: string, fields: Readonly<Record<string, string>>) {
  const labels = LABELS.get(view) ?? {};
  const order = Object.keys(labels);
  const rank = (field: string) => (field === '_form' ? -1 : order.includes(field) ? order.indexOf(field) : order.length);
  return Object.entries(fields)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([field, key]) => {
      const message = req.t(key);
      const label = labels[field];
      // Values go into a template that escapes them, so i18next must not escape them first.
      const named = label ? req.t('common:form.named', { field: req.t(label), message, interpolation: { escapeValue: false } }) : message;
      return { field, message: named };
    });
}

/**
 * Shows a form again after an Invalid: status 422, the values typed (never passwords), and a message
 * per field: beside the field, and in the summary, where it names the field. Any other error goes on
 * to the error handler.
 */
export function renderInvalid(err: unknown, req: Request, res: Response, view: string, locals: Record<string, unknown>): void {
  if (!(err instanceof Invalid)) throw err;
  res.status(422).render(view, {
    ...locals,
    errors: namedErrors(req, view, err.fields),
    fieldErrors: Object.fromEntries(Object.entries(err.fields).map(([field, key]) => [field, req.t(key)])),
  });
}
