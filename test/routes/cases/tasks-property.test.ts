/**
 * Random sequences of task actions (add, mark done, reopen, reassign) by random people (a caseworker of
 * the case, one who is not, the team's supervisor, another team's, a manager, an admin) through the
 * task services, against the test database. After every step: the answer is the one the rules give
 * (domain/tasks.ts and the access policy), no stored task is in a state the rules do not allow, and a
 * refused action changed nothing. At the end the case's stored reporting facts are what its records say.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Types } from 'mongoose';
import { Forbidden, Invalid, NotFound } from '../../../src/domain/errors.js';
import type { Caller } from '../../../src/domain/permissions.js';
import { CaseFactModel } from '../../../src/models/case-fact.js';
import { CaseTaskModel } from '../../../src/models/case-task.js';
import { addTask, assignTask, completeTask, reopenTask } from '../../../src/services/cases/notes.js';
import { computeCaseFacts } from '../../../src/services/facts/facts.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { now } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';

type Actor = 'worker' | 'otherWorker' | 'supervisor' | 'otherSupervisor' | 'manager' | 'admin';
type Person = 'worker' | 'colleague' | 'supervisor' | 'otherWorker' | 'default';

type Step =
  | { do: 'add'; by: Actor; due: number; to: Person }
  | { do: 'complete'; by: Actor; task: number }
  | { do: 'reopen'; by: Actor; task: number }
  | { do: 'assign'; by: Actor; task: number; to: Person };

const actor = fc.constantFrom<Actor>('worker', 'otherWorker', 'supervisor', 'otherSupervisor', 'manager', 'admin');
const person = fc.constantFrom<Person>('worker', 'colleague', 'supervisor', 'otherWorker', 'default');
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ do: fc.constant('add' as const), by: actor, due: fc.integer({ min: -5, max: 12 }), to: person }),
  fc.record({ do: fc.constant('complete' as const), by: actor, task: fc.nat(5) }),
  fc.record({ do: fc.constant('reopen' as const), by: actor, task: fc.nat(5) }),
  fc.record({ do: fc.constant('assign' as const), by: actor, task: fc.nat(5), to: person }),
);

type Outcome = 'ok' | 'Invalid' | 'NotFound' | 'Forbidden';

function outcomeOf(err: unknown): Outcome {
  if (err instanceof Invalid) return 'Invalid';
  if (err instanceof NotFound) return 'NotFound';
  if (err instanceof Forbidden) return 'Forbidden';
  throw err;
}

describe('task actions in random order by random people (property)', function () {
  this.timeout(120_000);
  useDatabase('taskprops');

  it('always answer as the rules say, store only allowed states, change nothing when refused, and keep the facts current', async () => {
    const org = (await buildOrganisation()).id;
    const users: Record<Actor | 'colleague', TestUser> = {
      worker: await buildUser({ roles: ['caseworker'], organisationId: org, team: 'north' }),
      colleague: await buildUser({ roles: ['caseworker'], organisationId: org, team: 'north' }),
      otherWorker: await buildUser({ roles: ['caseworker'], organisationId: org, team: 'south' }),
      supervisor: await buildUser({ roles: ['supervisor'], organisationId: org, team: 'north' }),
      otherSupervisor: await buildUser({ roles: ['supervisor'], organisationId: org, team: 'south' }),
      manager: await buildUser({ roles: ['manager'], organisationId: org }),
      admin: await buildUser({ roles: ['admin'], organisationId: org }),
    };
    const teams: Record<string, string | undefined> = { worker: 'north', colleague: 'north', supervisor: 'north', otherWorker: 'south', otherSupervisor: 'south' };
    const callers = Object.fromEntries(Object.entries(users).map(([k, u]) => [k, callerOf(u, teams[k])])) as Record<Actor, Caller>;
    const onCase = new Set([users.worker.id, users.colleague.id, users.supervisor.id]);
    const mayWork = (a: Actor) => a === 'worker' || a === 'supervisor';
    const idOf = (p: Person) => (p === 'default' ? '' : users[p].id);

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const caseId = await buildCase(users.supervisor, {}, { team: 'north', assignment: { caseworkerIds: [users.worker.id, users.colleague.id] } });
        const caseOid = new Types.ObjectId(caseId);
        const stored = async () => CaseTaskModel.collection.find({ caseId: caseOid }).sort({ _id: 1 }).toArray();
        let added = 0;
        for (const s of steps) {
          const before = await stored();
          const target = before.length ? String(before[s.do === 'add' ? 0 : s.task % before.length]!._id) : new Types.ObjectId().toHexString();
          const task = before.find((t) => String(t._id) === target);
          const open = Boolean(task && !task.doneAt);
          // What the rules say the answer is.
          let expected: Outcome;
          if (s.by === 'manager' || s.by === 'admin') expected = 'Forbidden';
          else if (!mayWork(s.by)) expected = 'NotFound';
          else if (s.do === 'add') expected = s.to === 'default' || onCase.has(idOf(s.to)) ? 'ok' : 'Invalid';
          else if (!task) expected = 'NotFound';
          else if (s.do === 'complete') expected = open ? 'ok' : 'NotFound';
          else if (s.do === 'reopen') expected = open ? 'Invalid' : 'ok';
          else expected = !open || s.to === 'default' || !onCase.has(idOf(s.to)) ? 'Invalid' : 'ok';

          let outcome: Outcome = 'ok';
          try {
            const by = callers[s.by];
            if (s.do === 'add') await addTask(by, caseId, { title: `Fictional property task ${added}`, dueDate: new Date(now() + s.due * 86_400_000).toISOString().slice(0, 10), assigneeId: idOf(s.to) });
            else if (s.do === 'complete') await completeTask(by, caseId, target);
            else if (s.do === 'reopen') await reopenTask(by, caseId, target);
            else await assignTask(by, caseId, target, idOf(s.to));
          } catch (err) {
            outcome = outcomeOf(err);
          }
          expect(outcome, JSON.stringify(s)).to.equal(expected);
          const after = await stored();
          if (outcome !== 'ok') {
            expect(JSON.stringify(after), `refused ${JSON.stringify(s)} changed nothing`).to.equal(JSON.stringify(before));
          } else if (s.do === 'add') {
            added += 1;
            expect(after).to.have.length(before.length + 1);
            const made = after.at(-1)!;
            expect(String(made.assigneeId), 'the chosen person, or the first caseworker').to.equal(s.to === 'default' ? users.worker.id : idOf(s.to));
          } else {
            const now = after.find((t) => String(t._id) === target)!;
            if (s.do === 'complete') expect(now.doneAt).to.be.instanceOf(Date);
            if (s.do === 'reopen') expect(now.doneAt).to.equal(undefined);
            if (s.do === 'assign') expect(String(now.assigneeId)).to.equal(idOf(s.to));
          }
          // Only states the rules allow: done with who and when, or open with neither; an assignee on the case.
          expect(after).to.have.length(added);
          for (const t of after) {
            expect(Boolean(t.doneAt), 'done at and by go together').to.equal(Boolean(t.doneBy));
            if (t.assigneeId) expect(onCase.has(String(t.assigneeId)), 'assignee on the case').to.equal(true);
          }
        }
        const facts = await CaseFactModel.findOne({ caseId: caseOid }).lean();
        const { _id: _ignoredId, __v: _ignoredVersion, createdAt: _created, updatedAt: _updated, ...fields } = facts as unknown as Record<string, unknown>;
        expect(JSON.parse(JSON.stringify(fields))).to.deep.equal(JSON.parse(JSON.stringify(await computeCaseFacts(caseOid))));
      }),
      { numRuns: 25 },
    );
  });
});
