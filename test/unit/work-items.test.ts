/**
 * The generic "My work" block and the header's reminder, fed by a fake WorkSource: whatever a feature's
 * source returns shows as a block with its count, its first rows soonest first, each marked overdue,
 * due today or due soon in words, with its date in a <time> and a link to where the work is done; and
 * the reminder sums every source's count, skips a slow or failing database, and never mixes users.
 */
import { expect } from 'chai';
import express from 'express';
import { Types } from 'mongoose';
import type { Caller } from '../../src/domain/permissions.js';
import { buildAssets } from '../../src/lib/assets.js';
import { clock } from '../../src/lib/clock.js';
import { createI18n } from '../../src/lib/i18n/index.js';
import { forgetAllReminders, remembered, REMINDER_TTL_MS } from '../../src/services/home/reminder-cache.js';
import { countReminder, reminderFor, setReminderWait } from '../../src/services/home/reminders.js';
import { BLOCK_ROWS, workBlock, type StartContext } from '../../src/services/home/start-page.js';
import { NOTHING, WORK_KINDS, type WorkItem, type WorkKind, type WorkSource } from '../../src/services/home/work-items.js';
import { WORK_SPECS, type WorkSpec } from '../../src/services/home/work-sources.js';
import { useViews } from '../../src/views/engine.js';
import { advance } from '../helpers/clock.js';

const DAY = 86_400_000;
const caller: Caller = { userId: new Types.ObjectId().toHexString(), organisationId: new Types.ObjectId().toHexString(), roles: ['caseworker'], team: 'north' };

/** A calendar day relative to today, at 00:00 UTC as due dates are stored. */
function day(offset: number): Date {
  const now = clock.now();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + offset * DAY);
}

/** A context whose scope is empty: the fake sources below need none. */
function fakeContext(who: Caller = caller): StartContext {
  return { caller: who, now: clock.now(), scope: async () => ({ cases: [], capped: false, numbers: new Map() }) };
}

/** A source over a fixed list of items, obeying the contract: due on or before `until`, soonest first, `limit` rows, the total. */
function listSource(items: WorkItem[], calls: { until: Date; limit: number }[] = []): WorkSource {
  return async (_ctx, _role, until, limit) => {
    calls.push({ until, limit });
    const due = items.filter((i) => i.due <= until).sort((a, b) => a.due.getTime() - b.due.getTime());
    return { items: due.slice(0, limit), total: due.length };
  };
}

function item(offset: number, n: number, kind: WorkKind = 'hearing'): WorkItem {
  const caseId = new Types.ObjectId();
  return { kind, caseId, caseNumber: `PH-2026-${String(n).padStart(5, '0')}`, due: day(offset), href: `/cases/${caseId}#fake-${n}`, labelKey: 'home:work.task.colleague' };
}

const spec = (source: WorkSource, over: Partial<WorkSpec> = {}): WorkSpec => ({ ...WORK_SPECS.hearing, source, ...over });

describe('"My work" blocks from any WorkSource', () => {
  it('shows the count, the first rows soonest first with their marks, and counts the overdue ones', async () => {
    const items = [item(3, 4), item(-2, 1), item(0, 2), item(1, 3), item(6, 5), item(30, 9)];
    const block = await workBlock(fakeContext(), 'hearing', 'caseworker', spec(listSource(items)));
    expect(block.total, 'the one 30 days ahead is beyond the horizon').to.equal(5);
    expect(block.rows.map((r) => r.caseNumber)).to.deep.equal(['PH-2026-00001', 'PH-2026-00002', 'PH-2026-00003', 'PH-2026-00004', 'PH-2026-00005']);
    expect(block.rows.map((r) => r.mark)).to.deep.equal(['overdue', 'today', 'soon', 'later', 'later']);
    expect(block.overdue).to.equal(1);
    expect(block.more).to.equal(false);
    expect(block.hidden).to.equal(false);
    expect(typeof block.rows[0]!.caseId, 'plain text for the view').to.equal('string');
  });

  it('asks the source for the count of overdue items when not every item is on the page', async () => {
    const items = Array.from({ length: BLOCK_ROWS + 4 }, (_, i) => item(i < 8 ? -1 - i : 2, i + 1));
    const calls: { until: Date; limit: number }[] = [];
    const block = await workBlock(fakeContext(), 'hearing', 'caseworker', spec(listSource(items, calls)));
    expect(block.rows).to.have.length(BLOCK_ROWS);
    expect(block.total).to.equal(BLOCK_ROWS + 4);
    expect(block.more).to.equal(true);
    expect(block.overdue).to.equal(8);
    expect(calls).to.deep.equal([
      { until: day(7), limit: BLOCK_ROWS },
      { until: day(-1), limit: 0 },
    ]);
  });

  it('marks nothing overdue for a decision waiting since a day, and hides an empty kind but not tasks', async () => {
    const waiting = await workBlock(fakeContext(), 'plan_approval', 'supervisor', spec(listSource([item(-20, 1, 'plan_approval')]), { dated: 'submitted' }));
    expect(waiting.rows[0]!.mark).to.equal(undefined);
    expect(waiting.overdue).to.equal(0);
    const empty = await workBlock(fakeContext(), 'hearing', 'caseworker', spec(async () => NOTHING));
    expect(empty.hidden).to.equal(true);
    const noTasks = await workBlock(fakeContext(), 'task', 'caseworker', { ...WORK_SPECS.task, source: async () => NOTHING });
    expect(noTasks.hidden).to.equal(false);
  });

  it('renders one block per kind: the count in the heading, overdue in words, dates in <time>, rows linking to the work', async () => {
    const i18n = await createI18n();
    const app = express();
    useViews(app, buildAssets(), false);
    const t = i18n.getFixedT('en');
    const items = [item(-1, 1), item(0, 2), item(2, 3)];
    const typed = { ...item(4, 4), title: 'Fictional <b>typed</b> title', assignee: 'Test Colleague (fictional)' };
    const block = await workBlock(fakeContext(), 'hearing', 'caseworker', spec(listSource([...items, typed])));
    const locals = { t, page: { lang: 'en', languages: [], reviewed: true, fonts: false, calendar: 'default', section: 'home' }, title: 'x', signedIn: { name: 'x', complete: true }, start: { blocks: [{ id: 'my-hearings', partial: 'work', data: block }] } };
    const html = await new Promise<string>((resolve, reject) => app.render('home/index', locals, (err, out) => (err ? reject(err) : resolve(out!))));
    const section = html.slice(html.indexOf('aria-labelledby="start-my-hearings"'), html.indexOf('</section>'));
    expect(section).to.include('Hearings <span class="start-tally">· 4</span>');
    expect(section).to.include('4 overdue or due in the next 7 days, soonest first.').and.include('1 overdue.');
    expect(section).to.include('>Overdue</strong>').and.include('>Due today</strong>').and.include('>Due soon</strong>');
    expect(section).to.include(`<time datetime="${day(-1).toISOString().slice(0, 10)} 00:00:00Z">`);
    for (const i of [...items, typed]) expect(section).to.include(`href="${i.href}"`);
    expect(section, 'typed text escaped once').to.include('Fictional &lt;b&gt;typed&lt;/b&gt; title');
    expect(section).to.include('Assigned to Test Colleague (fictional)');
    expect(section, 'every row but the later one is marked').to.match(/PH-2026-00004<\/a><\/span>/);
  });
});

describe('the header reminder', () => {
  beforeEach(() => forgetAllReminders());
  afterEach(() => setReminderWait(250));

  const fake = (due: number, overdue: number): Readonly<Record<WorkKind, WorkSpec>> => {
    const source: WorkSource = async (ctx, _role, until) => ({ items: [], total: until < ctx.now ? overdue : due });
    return Object.fromEntries(WORK_KINDS.map((k) => [k, { ...WORK_SPECS[k], source }])) as Record<WorkKind, WorkSpec>;
  };

  it('sums every kind of the role, and the overdue ones of dated kinds only', async () => {
    expect(await countReminder(caller, fake(2, 1))).to.deep.equal({ due: 14, overdue: 6 });
    // Partners' messages on a caseworker's referrals, and a supervisor's three kinds of decisions: counted as due, never as overdue.
    const supervisor = { ...caller, roles: ['supervisor' as const] };
    expect(await countReminder(supervisor, fake(2, 1))).to.deep.equal({ due: 20, overdue: 6 });
    expect(await countReminder({ ...caller, roles: ['manager'] }, fake(2, 1))).to.deep.equal({ due: 0, overdue: 0 });
  });

  it('is remembered per user for a minute, and never shown to another user', async () => {
    const first = await reminderFor(caller, fake(3, 0));
    expect(first).to.deep.equal({ due: 21, overdue: 0 });
    expect(await reminderFor(caller, fake(9, 9)), 'remembered').to.deep.equal(first);
    const other = { ...caller, userId: new Types.ObjectId().toHexString() };
    expect(await reminderFor(other, fake(0, 0)), 'another user counts their own').to.deep.equal({ due: 0, overdue: 0 });
    expect(await reminderFor({ ...caller, roles: ['caseworker', 'supervisor'] }, fake(1, 0)), 'a role change counts afresh').to.deep.equal({ due: 17, overdue: 0 });
    advance(REMINDER_TTL_MS + 1000);
    expect(await reminderFor({ ...caller, roles: ['caseworker', 'supervisor'] }, fake(9, 9)), 'after a minute').to.deep.equal({ due: 153, overdue: 108 });
  });

  it('does not hold up the page when the counts are slow, and has them for the next page', async () => {
    setReminderWait(20);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: WorkSource = async () => {
      await gate;
      return { items: [], total: 1 };
    };
    const specs = Object.fromEntries(WORK_KINDS.map((k) => [k, { ...WORK_SPECS[k], source: slow }])) as Record<WorkKind, WorkSpec>;
    const started = Date.now();
    expect(await reminderFor(caller, specs)).to.equal(undefined);
    expect(Date.now() - started).to.be.below(1000);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await reminderFor(caller, specs)).to.deep.equal({ due: 7, overdue: 6 });
  });

  it('skips the reminder when the database fails, and tries again on the next page', async () => {
    const failing = Object.fromEntries(WORK_KINDS.map((k) => [k, { ...WORK_SPECS[k], source: (async () => Promise.reject(new Error('database down'))) as WorkSource }])) as Record<WorkKind, WorkSpec>;
    expect(await reminderFor(caller, failing)).to.equal(undefined);
    expect(await reminderFor(caller, fake(1, 0)), 'the failure was not remembered').to.deep.equal({ due: 7, overdue: 0 });
  });

  it('shares one count among pages asked for at once', async () => {
    let runs = 0;
    const compute = async () => {
      const run = ++runs;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return run;
    };
    const [a, b, c] = await Promise.all([remembered('u1', 'f', compute), remembered('u1', 'f', compute), remembered('u2', 'f', compute)]);
    expect(a, 'the same user: one count').to.equal(b);
    expect(c, 'another user: their own').to.not.equal(a);
    expect(runs).to.equal(2);
  });
});
