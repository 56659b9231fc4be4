import { Router } from 'express';
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../../domain/audit.js';
import { Invalid } from '../../domain/errors.js';
import { wallClock } from '../../domain/time-zones.js';
import { permit } from '../../middleware/permit.js';
import { recordsTouched, searchAudit } from '../../services/audit/log.js';
import type { Reference } from '../../services/audit/references.js';
import { labelFields, parse, renderInvalid } from '../forms.js';

labelFields('audit/report', { user: 'audit:filters.user', from: 'audit:filters.from', to: 'audit:filters.to' });

/** Links that filter the log: by a user's address, or by a record's id (ids the record filter takes). */
const byUser = (ref: Reference | undefined) => (ref?.email ? `/audit?user=${encodeURIComponent(ref.email)}` : undefined);
const byRecord = (ref: Reference | undefined) => (ref && !ref.path && /^[A-Za-z0-9_-]{1,64}$/.test(ref.id) ? `/audit?record=${encodeURIComponent(ref.id)}` : undefined);

/**
 * Date-time fields from the form (`datetime-local`) or plain dates, as typed: the service reads them
 * in the organisation's time zone. A day or hour that does not exist (2026-02-30, 25:00) is refused.
 */
const when = z
  .string()
  .trim()
  .max(30)
  .refine((v) => wallClock(v) !== undefined);
const blank = z.literal('').transform(() => undefined);

const searchQuery = z.strictObject({
  user: z.string().trim().max(254).optional(),
  action: z.union([z.enum(AUDIT_ACTIONS), blank]).optional(),
  record: z.union([z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/), blank]).optional(),
  from: z.union([when, blank]).optional(),
  to: z.union([when, blank]).optional(),
  page: z.coerce.number().int().min(1).max(10_000).optional().default(1),
  lng: z.string().max(20).optional(),
});
const reportQuery = z.strictObject({
  user: z.string().trim().max(254).optional(),
  from: z.union([when, blank]).optional(),
  to: z.union([when, blank]).optional(),
  lng: z.string().max(20).optional(),
});

export const auditRoutes = Router();

auditRoutes.get('/audit', permit('audit.read'), async (req, res) => {
  res.locals.page.section = 'audit';
  const q = parse(searchQuery, req.query);
  const { rows, more, timeZone } = await searchAudit(req.caller!, { userEmail: q.user, action: q.action, recordId: q.record, from: q.from, to: q.to, page: q.page });
  const base = new URLSearchParams(Object.entries(req.query).filter(([k, v]) => k !== 'page' && typeof v === 'string') as [string, string][]);
  const link = (page: number) => `/audit?${new URLSearchParams([...base, ['page', String(page)]]).toString()}`;
  res.render('audit/index', {
    title: req.t('audit:title'),
    query: { user: q.user ?? '', record: q.record ?? '', from: q.from ?? '', to: q.to ?? '' },
    actions: AUDIT_ACTIONS.map((a) => ({ value: a, selected: a === q.action })),
    rows: rows.map((r) => ({ ...r, actorHref: byUser(r.actor), recordHref: byRecord(r.record) })),
    timeZone,
    previous: q.page > 1 ? link(q.page - 1) : undefined,
    next: more ? link(q.page + 1) : undefined,
  });
});

// The breach report (SECURITY.md L2): every record one user touched in a time window.
auditRoutes.get('/audit/report', permit('audit.read'), async (req, res) => {
  res.locals.page.section = 'audit';
  const q = parse(reportQuery, req.query);
  const asked = Boolean(q.user && q.from && q.to);
  const report = await recordsTouched(req.caller!, asked ? { userEmail: q.user!, from: q.from!, to: q.to! } : undefined);
  const locals = {
    title: req.t('audit:report.title'),
    query: { user: q.user ?? '', from: q.from ?? '', to: q.to ?? '' },
    asked,
    unknownUser: asked && !report.user,
    report: { ...report, records: report.records.map((r) => ({ ...r, href: byRecord(r.record) })) },
    timeZone: report.timeZone,
  };
  // A report needs all three: a question half asked names what is missing.
  const missing = Object.fromEntries((['user', 'from', 'to'] as const).filter((f) => !q[f]).map((f) => [f, 'common:form.required']));
  if (!asked && (q.user || q.from || q.to)) return renderInvalid(new Invalid(missing), req, res, 'audit/report', locals);
  res.render('audit/report', locals);
});
