/** The task rules (domain/tasks.ts): the open/done machine, whose a task is, and how a due day reads. */
import { expect } from 'chai';
import fc from 'fast-check';
import { isOverdue } from '../../src/domain/cases.js';
import { DUE_SOON_DAYS, TASK_ACTIONS, TASK_STATES, defaultAssignee, dueMark, effectiveAssignee, eligibleAssignees, horizonEnd, overdueEnd, taskMove } from '../../src/domain/tasks.js';

const NOW = new Date('2026-03-10T15:30:00Z');
const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.UTC(2026, 2, 10) + offset * DAY);

describe('task rules', () => {
  it('a task is marked done once, reopened once, and reassigned only while open', () => {
    expect(taskMove('open', 'complete')).to.equal('done');
    expect(taskMove('done', 'complete')).to.equal(undefined);
    expect(taskMove('done', 'reopen')).to.equal('open');
    expect(taskMove('open', 'reopen')).to.equal(undefined);
    expect(taskMove('open', 'assign')).to.equal('open');
    expect(taskMove('done', 'assign')).to.equal(undefined);
  });

  it('every allowed move leads to a state of the machine, from exactly one state', () => {
    for (const action of TASK_ACTIONS) {
      const from = TASK_STATES.filter((s) => taskMove(s, action) !== undefined);
      expect(from, action).to.have.length(1);
      expect(TASK_STATES).to.include(taskMove(from[0]!, action));
    }
  });

  it('a task goes to the first caseworker by default, else the supervisor; anyone else is not eligible', () => {
    expect(defaultAssignee({ caseworkerIds: ['a', 'b'], supervisorId: 's' })).to.equal('a');
    expect(defaultAssignee({ caseworkerIds: [], supervisorId: 's' })).to.equal('s');
    expect(defaultAssignee({ caseworkerIds: [] })).to.equal(undefined);
    expect(eligibleAssignees({ caseworkerIds: ['a', 'b', 'a'], supervisorId: 'b' })).to.deep.equal(['a', 'b']);
  });

  it('a task without an assignee, or whose assignee left the case, is the first caseworker’s', () => {
    const people = { caseworkerIds: ['a', 'b'], supervisorId: 's' };
    expect(effectiveAssignee(undefined, people)).to.equal('a');
    expect(effectiveAssignee('b', people)).to.equal('b');
    expect(effectiveAssignee('s', people)).to.equal('s');
    expect(effectiveAssignee('gone', people)).to.equal('a');
    expect(effectiveAssignee('gone', { caseworkerIds: [] })).to.equal(undefined);
  });

  it('reads a due day as overdue from the day after, due today, due soon, or later', () => {
    expect(dueMark(day(-1), NOW)).to.equal('overdue');
    expect(dueMark(day(0), NOW)).to.equal('today');
    expect(dueMark(day(1), NOW)).to.equal('soon');
    expect(dueMark(day(DUE_SOON_DAYS), NOW)).to.equal('soon');
    expect(dueMark(day(DUE_SOON_DAYS + 1), NOW)).to.equal('later');
    expect(horizonEnd(NOW)).to.deep.equal(day(7));
    expect(overdueEnd(NOW)).to.deep.equal(day(-1));
  });

  it('agrees with the one overdue rule of the case page, the list and the start page, at any time of day', () => {
    fc.assert(
      fc.property(fc.integer({ min: -400, max: 400 }), fc.integer({ min: 0, max: DAY - 1 }), (offset, ms) => {
        const now = new Date(Date.UTC(2026, 2, 10) + ms);
        expect(dueMark(day(offset), now) === 'overdue').to.equal(isOverdue(day(offset), now));
        expect(day(offset) <= overdueEnd(now)).to.equal(isOverdue(day(offset), now));
      }),
    );
  });
});
