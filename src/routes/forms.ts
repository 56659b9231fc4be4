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

export const text = (max: number) => z.string().trim().min(1).max(max);
export const optionalText = (max: number) => z.string().trim().max(max).optional().default('');
/** Passwords are kept exactly as typed (no trimming); the rules check their length. */
export const secret = z.string().min(1).max(1024);

function messageKey(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small') return 'common:form.required';
  if (issue.code === 'too_big') return 'common:form.tooLong';
  return 'common:form.invalid';
}

export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      fields._form = 'common:form.unknownField';
      continue;
    }
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : '_form';
    fields[field] ??= messageKey(issue);
  }
  throw new Invalid(fields);
}

/**
 * Shows a form again after an Invalid: status 422, the values typed (never passwords), and a message
 * per field. Any other error goes on to the error handler.
 */
export function renderInvalid(err: unknown, req: Request, res: Response, view: string, locals: Record<string, unknown>): void {
  if (!(err instanceof Invalid)) throw err;
  res.status(422).render(view, {
    ...locals,
    errors: Object.entries(err.fields).map(([field, key]) => ({ field, message: req.t(key) })),
    fieldErrors: Object.fromEntries(Object.entries(err.fields).map(([field, key]) => [field, req.t(key)])),
  });
}
