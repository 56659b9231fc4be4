import { expect } from 'chai';
import { RateLimitHitModel } from '../../src/models/rate-limit-hit.js';
import { DatabaseHitStore } from '../../src/services/auth/rate-limit-store.js';
import { advance, now } from '../helpers/clock.js';
import { useDatabase } from '../helpers/db.js';

const WINDOW_MS = 15 * 60_000;
const AT_ONCE = 20;
const ROUNDS = 10;

function store(): DatabaseHitStore {
  const s = new DatabaseHitStore('test');
  s.init({ windowMs: WINDOW_MS });
  return s;
}

/** Fires the increments together; every error is kept instead of stopping at the first. */
async function burst(s: DatabaseHitStore, key: string): Promise<{ hits: number[]; errors: unknown[] }> {
  const settled = await Promise.allSettled(Array.from({ length: AT_ONCE }, () => s.increment(key)));
  const hits = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value.totalHits] : [])).sort((a, b) => a - b);
  const errors = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  return { hits, errors };
}

const oneToN = Array.from({ length: AT_ONCE }, (_, i) => i + 1);

describe('the per-address hit store', () => {
  useDatabase('ratelimitstore');

  it('counts a first hit as 1 with a window ending windowMs later, and get reads it back', async () => {
    const s = store();
    const before = now();
    const first = await s.increment('a');
    expect(first.totalHits).to.equal(1);
    expect(first.resetTime!.getTime()).to.be.within(before + WINDOW_MS, now() + WINDOW_MS);
    expect(await s.get('a')).to.deep.equal(first);
    expect((await s.increment('a')).totalHits).to.equal(2);
    expect(await s.get('other')).to.equal(undefined);
  });

  it('starts a new window once the last one ended, and get ignores an ended one', async () => {
    const s = store();
    await s.increment('a');
    await s.increment('a');
    const ended = (await s.get('a'))!.resetTime!;
    advance(WINDOW_MS + 1000);
    expect(await s.get('a'), 'an ended window counts for nothing').to.equal(undefined);
    const fresh = await s.increment('a');
    expect(fresh.totalHits).to.equal(1);
    expect(fresh.resetTime!.getTime()).to.be.above(ended.getTime());
  });

  it('decrements without going below zero, and resetKey forgets the key', async () => {
    const s = store();
    await s.increment('a');
    await s.decrement('a');
    await s.decrement('a');
    expect((await s.get('a'))!.totalHits).to.equal(0);
    await s.resetKey('a');
    expect(await RateLimitHitModel.countDocuments({})).to.equal(0);
  });

  it(`counts ${AT_ONCE} concurrent first hits on one key as 1..${AT_ONCE}, without an error, in ${ROUNDS} rounds`, async () => {
    const s = store();
    for (let round = 0; round < ROUNDS; round += 1) {
      const { hits, errors } = await burst(s, `fresh-${round}`);
      expect(errors.map((e) => (e as { code?: number }).code ?? String(e)), `round ${round}`).to.deep.equal([]);
      expect(hits, `round ${round}`).to.deep.equal(oneToN);
    }
  });

  it(`counts ${AT_ONCE} concurrent hits just after a window ended as 1..${AT_ONCE}, in ${ROUNDS} rounds`, async () => {
    const s = store();
    for (let round = 0; round < ROUNDS; round += 1) {
      await s.increment('ended');
      advance(WINDOW_MS + 1000);
      const { hits, errors } = await burst(s, 'ended');
      expect(errors.map((e) => (e as { code?: number }).code ?? String(e)), `round ${round}`).to.deep.equal([]);
      expect(hits, `round ${round}`).to.deep.equal(oneToN);
      advance(WINDOW_MS + 1000);
    }
  });
});
