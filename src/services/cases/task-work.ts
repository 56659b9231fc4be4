/**
 * My work from this feature: open tasks. For a caseworker, the tasks assigned to them on their own
 * cases; for a supervisor, every overdue task of the team's cases (someone has to chase them) and the
 * tasks assigned to them. A task with no assignee is the case's first caseworker's (domain/tasks.ts).
 *
 * Read by case id within the role's scope (the start page's open cases), so a case the role may not
 * see never contributes; served by the `caseId` and `assigneeId` indexes of case_tasks.
 */
import { Types } from 'mongoose';
import { startOfDay } from '../../domain/cases.js';
import { effectiveAssignee } from '../../domain/tasks.js';
import { CaseTaskModel } from '../../models/case-task.js';
import { trusted } from '../auth/trusted.js';
import { NOTHING, type WorkItem, type WorkSource } from '../home/work-items.js';
import { unseal, userNames } from './records.js';

export const tasksDue: WorkSource = async (ctx, role, until, limit) => {
  const scope = await ctx.scope(role);
  if (scope.cases.length === 0) return NOTHING;
  const userId = ctx.caller.userId;
  const firstOfMine = scope.cases.filter((c) => String(c.caseworkerIds[0] ?? '') === userId).map((c) => c._id);
  const mine: Record<string, unknown>[] = [{ assigneeId: new Types.ObjectId(userId) }];
  if (firstOfMine.length > 0) mine.push({ assigneeId: null, caseId: { $in: firstOfMine } });
  const whose = role === 'supervisor' ? [{ dueDate: { $lt: startOfDay(ctx.now) } }, ...mine] : mine;
  const filter = trusted({
    organisationId: new Types.ObjectId(ctx.caller.organisationId),
    caseId: { $in: scope.cases.map((c) => c._id) },
    doneAt: null,
    dueDate: { $lte: until },
    $or: whose,
  });
  if (limit <= 0) return { items: [], total: await CaseTaskModel.countDocuments(filter) };
  const rows = await CaseTaskModel.find(filter).sort({ dueDate: 1, _id: 1 }).limit(limit).select({ caseId: 1, dueDate: 1, secret: 1, assigneeId: 1 }).lean();
  // Fewer rows than asked for: that is all of them, and no count is needed.
  const total = rows.length < limit ? rows.length : await CaseTaskModel.countDocuments(filter);
  const cases = new Map(scope.cases.map((c) => [String(c._id), c]));
  const owners = rows.map((t) => {
    const c = cases.get(String(t.caseId));
    return effectiveAssignee(t.assigneeId ? String(t.assigneeId) : undefined, { caseworkerIds: (c?.caseworkerIds ?? []).map(String), supervisorId: c?.supervisorId ? String(c.supervisorId) : undefined });
  });
  const names = await userNames(owners.filter((o) => o && o !== userId));
  const items = rows.map((t, i): WorkItem => {
    const owner = owners[i];
    const caseId = String(t.caseId);
    return {
      kind: 'task',
      caseId: t.caseId,
      caseNumber: scope.numbers.get(caseId) ?? '',
      due: t.dueDate,
      href: `/cases/${caseId}#tasks`,
      labelKey: owner === userId ? 'home:work.task.mine' : owner ? 'home:work.task.colleague' : 'home:work.task.nobody',
      title: unseal<{ title: string }>(t.secret, { title: '' }).title,
      ...(owner && owner !== userId ? { assignee: names.get(owner) ?? '' } : {}),
    };
  });
  return { items, total };
};
