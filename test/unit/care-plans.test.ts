/**
 * The care-plan and review machines and the review schedule (domain/care-plans.ts).
 */
import { expect } from 'chai';
import {
  DEFAULT_REVIEW_INTERVAL_DAYS,
  PLAN_ACTIONS,
  PLAN_STATUSES,
  REVIEW_ACTIONS,
  REVIEW_STATUSES,
  daysBetween,
  intervalDays,
  isOpenPlan,
  mayDecide,
  nextReviewDue,
  planMove,
  reviewMove,
  reviewTiming,
  submitProblem,
} from '../../src/domain/care-plans.js';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('the care-plan machine', () => {
  it('allows exactly draft -> submitted -> approved | returned, returned -> draft, approved -> superseded', () => {
    const allowed: string[] = [];
    for (const from of PLAN_STATUSES) for (const action of PLAN_ACTIONS) {
      const to = planMove(from, action);
      if (to) allowed.push(`${from} ${action} ${to}`);
    }
    expect(allowed.sort()).to.deep.equal(
      ['draft edit draft', 'draft submit submitted', 'submitted approve approved', 'submitted return returned', 'returned revise draft', 'approved progress approved', 'approved supersede superseded'].sort(),
    );
  });

  it('leaves a superseded version with no move at all', () => {
    for (const action of PLAN_ACTIONS) expect(planMove('superseded', action), action).to.equal(undefined);
  });

  it('calls draft, submitted and returned the version being worked on', () => {
    expect(PLAN_STATUSES.filter(isOpenPlan)).to.deep.equal(['draft', 'submitted', 'returned']);
  });

  it('needs a goal, and an intervention for every goal, before submitting', () => {
    expect(submitProblem([])).to.equal('care-plans:errors.noGoals');
    expect(submitProblem([{ interventions: [1] }, { interventions: [] }])).to.equal('care-plans:errors.goalWithoutIntervention');
    expect(submitProblem([{ interventions: [1] }])).to.equal(undefined);
  });
});

describe('the review machine', () => {
  it('allows exactly submitted -> approved | returned and returned -> submitted', () => {
    const allowed: string[] = [];
    for (const from of REVIEW_STATUSES) for (const action of REVIEW_ACTIONS) {
      const to = reviewMove(from, action);
      if (to) allowed.push(`${from} ${action} ${to}`);
    }
    expect(allowed.sort()).to.deep.equal(['returned resubmit submitted', 'submitted approve approved', 'submitted return returned']);
  });
});

describe('the four-eyes rule', () => {
  it('refuses the submitter, and a version nobody submitted', () => {
    expect(mayDecide('a', 'a')).to.equal(false);
    expect(mayDecide(undefined, 'a')).to.equal(false);
    expect(mayDecide('a', 'b')).to.equal(true);
  });
});

describe('the review schedule', () => {
  it('is the interval after the approval day, then after the last signed-off review', () => {
    const approved = new Date('2026-01-10T15:30:00Z');
    expect(nextReviewDue(approved, undefined, 90).toISOString()).to.equal('2026-04-10T00:00:00.000Z');
    expect(nextReviewDue(approved, day('2026-03-01'), 90).toISOString()).to.equal('2026-05-30T00:00:00.000Z');
    // A review older than the approval (of an earlier version) does not count.
    expect(nextReviewDue(approved, day('2025-12-01'), 30).toISOString()).to.equal('2026-02-09T00:00:00.000Z');
  });

  it('falls back to 90 days for an interval out of range', () => {
    expect(intervalDays(3)).to.equal(DEFAULT_REVIEW_INTERVAL_DAYS);
    expect(intervalDays(1000)).to.equal(DEFAULT_REVIEW_INTERVAL_DAYS);
    expect(intervalDays(7.5)).to.equal(DEFAULT_REVIEW_INTERVAL_DAYS);
    expect(intervalDays(null)).to.equal(DEFAULT_REVIEW_INTERVAL_DAYS);
    expect(intervalDays(30)).to.equal(30);
  });

  it('is upcoming, then due in the week before, due on the day itself, and overdue from the day after', () => {
    const due = day('2026-04-10');
    expect(reviewTiming(due, new Date('2026-04-02T23:00:00Z'))).to.equal('upcoming');
    expect(reviewTiming(due, new Date('2026-04-03T01:00:00Z'))).to.equal('due');
    expect(reviewTiming(due, new Date('2026-04-10T23:59:00Z'))).to.equal('due');
    expect(reviewTiming(due, new Date('2026-04-11T00:00:00Z'))).to.equal('overdue');
  });

  it('counts whole calendar days from intake to approval', () => {
    expect(daysBetween(day('2026-03-02'), new Date('2026-03-12T22:00:00Z'))).to.equal(10);
    expect(daysBetween(day('2026-03-02'), new Date('2026-03-02T08:00:00Z'))).to.equal(0);
    expect(daysBetween(day('2026-03-05'), day('2026-03-02'))).to.equal(0);
  });
});
