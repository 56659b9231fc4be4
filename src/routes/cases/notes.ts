/** Case notes, follow-up visits and tasks (issue 4, item 5). */
import { Router } from 'express';
import { clock } from '../../lib/clock.js';
import { permit } from '../../middleware/permit.js';
import { addNote, addTask, completeTask } from '../../services/case-notes.js';
import { caseForEdit, checkCaseAccess } from '../../services/cases.js';
import { parse, renderInvalid } from '../forms.js';
import { emptyForm, noteForm, taskForm } from './forms.js';
import { shownAgain } from './edit.js';
import { typedValues } from './index.js';
import { formOptions } from './options.js';

export const caseNoteRoutes = Router();

caseNoteRoutes.get('/cases/:id/notes/new', permit('case.update'), async (req, res) => {
  const c = await caseForEdit(req.caller!, String(req.params.id));
  res.render('cases/note-form', { title: c.caseNumber, c, values: { date: clock.now().toISOString().slice(0, 10), language: req.language }, ...formOptions(req) });
});

caseNoteRoutes.post('/cases/:id/notes', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  try {
    const { _csrf, ...input } = parse(noteForm, req.body);
    await addNote(req.caller!, id, input);
    res.redirect(303, `/cases/${id}?done=note#notes`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const c = await caseForEdit(req.caller!, id);
    renderInvalid(err, req, res, 'cases/note-form', { title: c.caseNumber, c, values: typedValues(req.body), ...formOptions(req) });
  }
});

caseNoteRoutes.post('/cases/:id/tasks', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  await checkCaseAccess(req.caller!, id, 'case.update');
  const input = parse(taskForm, req.body);
  await addTask(req.caller!, id, input);
  res.redirect(303, `/cases/${id}?done=task#tasks`);
});

caseNoteRoutes.post('/cases/:id/tasks/:taskId/done', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  await checkCaseAccess(req.caller!, id, 'case.update');
  parse(emptyForm, req.body);
  await completeTask(req.caller!, id, String(req.params.taskId));
  res.redirect(303, `/cases/${id}?done=taskDone#tasks`);
});
