/**
 * Demo tasks with assignees, for "My work": on some open cases of each demo NGO, tasks overdue, due
 * today, due soon and later; some given to the team's supervisor (who then supervises the case by
 * name), some reassigned, some done. Written through the task and case services, so they are sealed,
 * audited and counted in the reporting facts like real work. Every title is made up; a fixed seed
 * makes every run the same. Run after seedDemoCases (it needs the demo cases and staff).
 */
import { CaseModel } from '../../models/case.js';
import { CaseTaskModel } from '../../models/case-task.js';
import { OrganisationModel } from '../../models/organisation.js';
import { trusted } from '../auth/trusted.js';
import { assignCase } from '../cases/cases.js';
import { addTask, assignTask, completeTask } from '../cases/notes.js';
import { claim, dayFromToday, random, staff } from './common.js';

export const DEMO_TASK_TITLES = [
  'Call the school about enrolment (demo)',
  'Book the medical check-up (demo)',
  'Collect the birth certificate copy (demo)',
  'Prepare the family meeting (demo)',
  'Visit the kinship carer (demo)',
  'Send the counselling schedule to the guardian (demo)',
];

/**
 * Adds the demo tasks to each demo NGO that has demo cases and has not had them yet; returns how many
 * tasks were made. Needs the demo caseworker and supervisor of each NGO (seedDemo) and its cases
 * (seedDemoCases).
 */
export async function seedDemoTasks(): Promise<number> {
  const rnd = random(20261202);
  let made = 0;
  for (const org of await OrganisationModel.find({ kind: 'ngo', demo: true }).select({ _id: 1, code: 1 }).sort({ code: 1 }).lean()) {
    const organisationId = String(org._id);
    const [worker, supervisor] = await Promise.all([staff(organisationId, 'caseworker'), staff(organisationId, 'supervisor')]);
    if (!worker || !supervisor) continue;
    const cases = await CaseModel.find(trusted({ organisationId: org._id, status: { $in: ['open', 'active'] }, caseworkerIds: worker.userId })).sort({ caseNumber: 1 }).select({ _id: 1, __v: 1, caseworkerIds: 1 }).lean();
    if (cases.length === 0 || !(await claim('demo-tasks', org.code))) continue;
    for (const c of cases) {
      if (rnd() >= 0.3) continue;
      const id = String(c._id);
      // One case in three gets the supervisor by name, so a task can go to them.
      const withSupervisor = rnd() < 0.35;
      if (withSupervisor) await assignCase(supervisor, id, c.__v ?? 0, { caseworkerIds: c.caseworkerIds.map(String), supervisorId: supervisor.userId });
      const count = 1 + Math.floor(rnd() * 2);
      for (let k = 0; k < count; k++) {
        const offset = Math.floor(rnd() * 30) - 10;
        const toSupervisor = withSupervisor && rnd() < 0.5;
        await addTask(worker, id, { title: DEMO_TASK_TITLES[Math.floor(rnd() * DEMO_TASK_TITLES.length)]!, dueDate: dayFromToday(offset), assigneeId: toSupervisor ? supervisor.userId : '' });
        made += 1;
        const task = (await CaseTaskModel.findOne({ caseId: c._id }).sort({ _id: -1 }).select({ _id: 1 }).lean())!;
        const taskId = String(task._id);
        // Some given back to the caseworker by the supervisor, some already done.
        if (toSupervisor && rnd() < 0.3) await assignTask(supervisor, id, taskId, worker.userId);
        else if (offset < 0 && rnd() < 0.25) await completeTask(worker, id, taskId);
      }
    }
  }
  return made;
}
