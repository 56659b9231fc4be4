/** The case list, registration and the case page. */
import { Router, type Request, type Response } from 'express';
import { can } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { permit } from '../../middleware/permit.js';
import { listCases, listFilterOptions } from '../../services/cases/list.js';
import { getCase } from '../../services/cases/view.js';
import { registerCase } from '../../services/cases/cases.js';
import { parse, renderInvalid } from '../forms.js';
import { listQuery, registerForm } from './forms.js';
import { countryName, formOptions, languageName } from './options.js';

/** What was typed, shown again after a refusal: plain strings and lists of strings only. */
export function typedValues(body: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === '_csrf') continue;
    if (typeof value === 'string') out[key] = value.slice(0, 20_000);
    else if (Array.isArray(value)) out[key] = value.filter((v): v is string => typeof v === 'string').map((v) => v.slice(0, 200));
  }
  return out;
}

/** The confirmations the case page shows after a save (`?done=`); anything else shows none. */
const DONE = ['registered', 'saved', 'assigned', 'family', 'assessment', 'consent', 'withdrawn', 'note', 'task', 'taskDone', 'taskReopened', 'uploaded', 'close', 'reopen', 'conflict'] as const;

/**
 * The case page's sections that start open: the ones used most, and the one a save just went back to
 * (its confirmation is shown above and its `#section` link lands there).
 */
const SECTION_OF_DONE: Record<string, string> = { family: 'family', assessment: 'assessments', consent: 'consents', withdrawn: 'consents', note: 'notes', task: 'tasks', taskDone: 'tasks', taskReopened: 'tasks', uploaded: 'attachments', saved: 'child', registered: 'child' };
const SECTIONS = ['intake', 'child', 'family', 'assessments', 'consents', 'notes', 'tasks', 'attachments', 'legal', 'timeline'] as const;

/** Also the section a link in the page's contents asked for (`?open=family#family`), since no script opens it. */
function openedSections(done: string | undefined, asked: unknown): Record<string, boolean> {
  const opened: Record<string, boolean> = { child: true, notes: true, tasks: true };
  const section = done ? SECTION_OF_DONE[done] : undefined;
  if (section) opened[section] = true;
  const open = SECTIONS.find((s) => s === asked);
  if (open) opened[open] = true;
  return opened;
}

const mayAssign = (req: Request) => can(req.caller!.roles, 'case.assign');

export const caseRoutes = Router();

caseRoutes.use('/cases', (_req, res, next) => {
  res.locals.page.section = 'cases';
  next();
});

caseRoutes.get('/cases', permit('case.list'), async (req: Request, res: Response) => {
  const options = { title: req.t('cases:list.title'), ...(await listFilterOptions(req.caller!)), lookups: formOptions(req).lookups };
  try {
    const query = parse(listQuery, req.query);
    const q = { ...query, status: query.status || undefined, risk: query.risk || undefined, type: query.type || undefined, caseworker: query.caseworker || undefined, team: query.team || undefined, q: query.q || undefined };
    // The filters stay folded away unless one is in use (a closed <details> needs no script to open).
    const filtering = Boolean(q.status || q.risk || q.type || q.caseworker || q.team || q.sort !== 'newest');
    const result = await listCases(req.caller!, q);
    const previous = pageHref(q, 'before', result.previous);
    const next = pageHref(q, 'after', result.next);
    res.render('cases/list', { ...options, query: q, filtering, ...result, pager: previous || next ? { previous, next } : undefined });
  } catch (err) {
    // The list again, empty, with the refused parameter named and the filters open to correct it.
    renderInvalid(err, req, res, 'cases/list', { ...options, query: typedValues(req.query), filtering: true, rows: [], identifying: can(req.caller!.roles, 'case.read') });
  }
});

/** A link to another page of the same list: the same filters, and the cursor (none for the first page). */
function pageHref(query: Record<string, unknown>, side: 'after' | 'before', cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const params = new URLSearchParams(Object.entries(query).filter(([k, v]) => typeof v === 'string' && v && !['after', 'before', 'lng'].includes(k)) as [string, string][]);
  if (cursor) params.set(side, cursor);
  return `/cases?${params.toString()}`;
}

caseRoutes.get('/cases/new', permit('case.create'), async (req, res) => {
  const today = clock.now().toISOString().slice(0, 10);
  res.render('cases/new', { title: req.t('cases:new.title'), values: { intakeDate: today }, ...formOptions(req), ...(await listFilterOptions(req.caller!)), mayAssign: mayAssign(req) });
});

caseRoutes.post('/cases', permit('case.create'), async (req, res) => {
  try {
    const { caseworkerIds, supervisorId, _csrf, ...details } = parse(registerForm, req.body);
    const id = await registerCase(req.caller!, details, { caseworkerIds, supervisorId });
    res.redirect(303, `/cases/${id}?done=registered`);
  } catch (err) {
    renderInvalid(err, req, res, 'cases/new', { title: req.t('cases:new.title'), values: typedValues(req.body), ...formOptions(req), ...(await listFilterOptions(req.caller!)), mayAssign: mayAssign(req) });
  }
});

caseRoutes.get('/cases/:id', permit('case.read'), async (req, res) => {
  const view = await getCase(req.caller!, String(req.params.id), req.language);
  const done = DONE.find((d) => d === req.query.done);
  res.render('cases/show', {
    title: view.caseNumber,
    c: view,
    nationality: countryName(req, view.details.nationality),
    languages: view.details.languages.map((l) => languageName(req, l)),
    done,
    opened: openedSections(done, req.query.open),
    today: clock.now().toISOString().slice(0, 10),
    ...formOptions(req),
  });
});
