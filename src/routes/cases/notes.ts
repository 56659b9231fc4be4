/** Case notes, follow-up visits and tasks, and who a task is for. */
import { Router } from 'express';
import { clock } from '../../lib/clock.js';
import { permit } from '../../middleware/permit.js';
import { addNote, addTask, assignTask, completeTask, reopenTask, taskForAssignment, taskForConfirmation, taskFormFor } from '../../services/cases/notes.js';
import { caseForEdit, checkCaseAccess } from '../../services/cases/cases.js';
import { parse, renderInvalid } from '../forms.js';
import { emptyForm, noteForm, taskAssignForm, taskForm } from './forms.js';
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
  try {
    const { _csrf, ...input } = parse(taskForm, req.body);
    await addTask(req.caller!, id, input);
    res.redirect(303, `/cases/${id}?done=task#tasks`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    // The task form lives on the case page; a refused task is shown again on a page of its own.
    const values = typedValues(req.body);
    const form = await taskFormFor(req.caller!, id, typeof values.assigneeId === 'string' ? values.assigneeId : undefined);
    renderInvalid(err, req, res, 'cases/task-form', { title: form.c.caseNumber, ...form, values });
  }
});

/**
 * Marking a task done goes through a page that shows the task: before, to confirm; after, to say it is
 * done, with the way back (reopening it) one click away.
 */
caseNoteRoutes.get('/cases/:id/tasks/:taskId/done', permit('case.update'), async (req, res) => {
  const found = await taskForConfirmation(req.caller!, String(req.params.id), String(req.params.taskId));
  res.render('cases/task-done', { title: found.caseNumber, ...found });
});

caseNoteRoutes.post('/cases/:id/tasks/:taskId/done', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  const taskId = String(req.params.taskId);
  await checkCaseAccess(req.caller!, id, 'case.update');
  parse(emptyForm, req.body);
  await completeTask(req.caller!, id, taskId);
  res.redirect(303, `/cases/${id}/tasks/${taskId}/done`);
});

caseNoteRoutes.post('/cases/:id/tasks/:taskId/reopen', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  await checkCaseAccess(req.caller!, id, 'case.update');
  parse(emptyForm, req.body);
  await reopenTask(req.caller!, id, String(req.params.taskId));
  res.redirect(303, `/cases/${id}?done=taskReopened#tasks`);
});

/** Giving a task to someone else on the case: a page with the case's people to choose from. */
caseNoteRoutes.get('/cases/:id/tasks/:taskId/assign', permit('case.update'), async (req, res) => {
  const found = await taskForAssignment(req.caller!, String(req.params.id), String(req.params.taskId));
  res.render('cases/task-assign', { title: found.caseNumber, ...found, assigned: req.query.done === 'assigned' });
});

caseNoteRoutes.post('/cases/:id/tasks/:taskId/assign', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  const taskId = String(req.params.taskId);
  await checkCaseAccess(req.caller!, id, 'case.update');
  try {
    const { assigneeId } = parse(taskAssignForm, req.body);
    await assignTask(req.caller!, id, taskId, assigneeId);
    res.redirect(303, `/cases/${id}/tasks/${taskId}/assign?done=assigned`);
  } catch (err) {
    if (!shownAgain(err)) throw err;
    const found = await taskForAssignment(req.caller!, id, taskId);
    renderInvalid(err, req, res, 'cases/task-assign', { title: found.caseNumber, ...found });
  }
});
