import { Router } from 'express';
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../../domain/audit.js';
import { permit } from '../../middleware/permit.js';
import { recordsTouched, searchAudit } from '../../services/audit-log.js';
import { parse } from '../forms.js';

/** Date-time fields from the form (`datetime-local`, taken as UTC) or plain dates. */
const when = z
  .string()
  .trim()
  .max(30)
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/)
  .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : `${v}Z`))
  .refine((d) => !Number.isNaN(d.getTime()));
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
  const { rows, more } = await searchAudit(req.caller!, { userEmail: q.user, action: q.action, recordId: q.record, from: q.from, to: q.to, page: q.page });
  const base = new URLSearchParams(Object.entries(req.query).filter(([k, v]) => k !== 'page' && typeof v === 'string') as [string, string][]);
  const link = (page: number) => `/audit?${new URLSearchParams([...base, ['page', String(page)]]).toString()}`;
  res.render('audit/index', {
    title: req.t('audit:title'),
    query: { user: q.user ?? '', record: q.record ?? '', from: req.query.from ?? '', to: req.query.to ?? '' },
    actions: AUDIT_ACTIONS.map((a) => ({ value: a, selected: a === q.action })),
    rows,
    previous: q.page > 1 ? link(q.page - 1) : undefined,
    next: more ? link(q.page + 1) : undefined,
  });
});

// The breach report (SECURITY.md L2): every record one user touched in a time window.
auditRoutes.get('/audit/report', permit('audit.read'), async (req, res) => {
  res.locals.page.section = 'audit';
  const q = parse(reportQuery, req.query);
  const asked = Boolean(q.user && q.from && q.to);
  const records = asked ? await recordsTouched(req.caller!, { userEmail: q.user!, from: q.from!, to: q.to! }) : undefined;
  res.render('audit/report', {
    title: req.t('audit:report.title'),
    query: { user: q.user ?? '', from: req.query.from ?? '', to: req.query.to ?? '' },
    asked,
    unknownUser: asked && records === undefined,
    records,
  });
});
