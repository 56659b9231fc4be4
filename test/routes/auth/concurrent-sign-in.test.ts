import { expect } from 'chai';
import request from 'supertest';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { LoginThrottleModel } from '../../../src/models/login-throttle.js';
import { RateLimitHitModel } from '../../../src/models/rate-limit-hit.js';
import { IP_LIMIT_DEFAULTS } from '../../../src/middleware/rate-limit.js';
import { LOCKOUT } from '../../../src/services/auth/auth.js';
import { useListeningApp } from '../../helpers/app.js';
import { advance } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser } from '../../helpers/factories.js';
import { csrfFrom, type Agent } from '../../helpers/session.js';
import { plant } from '../../helpers/secrets.js';

const AT_ONCE = 20;
const ROUNDS = 5;

interface Credentials {
  email: string;
  password: string;
}

interface Attempt extends Credentials {
  agent: Agent;
  token: string;
}

const byNumber = (a: number, b: number) => a - b;

/** How many attempts the per-address limit still allows, from the `RateLimit` header (draft-8). */
function remaining(res: request.Response): number | undefined {
  const m = /\br=(\d+)/.exec(String(res.headers.ratelimit ?? ''));
  return m ? Number(m[1]) : undefined;
}

describe('POST /login, many at once from one address', () => {
  useDatabase('concurrentsignin');
  const listening = useListeningApp();

  /** Opens a session and reads its form token for each attempt first, so the posts start together. */
  async function prepare(attempts: Credentials[]): Promise<Attempt[]> {
    return Promise.all(
      attempts.map(async (a) => {
        const agent = request.agent(listening());
        const token = csrfFrom((await agent.get('/login')).text);
        return { ...a, agent, token };
      }),
    );
  }

  function post(attempts: Attempt[]): Promise<request.Response[]> {
    return Promise.all(attempts.map((a) => a.agent.post('/login').type('form').send({ _csrf: a.token, email: a.email, password: a.password })));
  }

  it(`answers each of ${AT_ONCE} concurrent sign-ins at the start of a window, never with 500, in ${ROUNDS} rounds`, async function () {
    this.timeout(ROUNDS * 20_000); // each round verifies 20 argon2id hashes at once
    const org = await buildOrganisation();
    for (let round = 0; round < ROUNDS; round += 1) {
      // Odd rounds meet an ended window still in the database, even rounds none at all.
      if (round % 2 === 1) advance(IP_LIMIT_DEFAULTS.windowMs + 1000);
      else await RateLimitHitModel.collection.deleteMany({});
      const target = await buildUser({ roles: ['caseworker'], organisationId: org.id });
      // Half sign in with their own right password, half guess one colleague's (which ends in a lockout).
      const plan = await Promise.all(
        Array.from({ length: AT_ONCE }, async (_, i) => {
          if (i % 2 === 1) return { email: target.email, password: plant(`wrong password ${round}-${i}`), expected: [401, 429] };
          const user = await buildUser({ roles: ['caseworker'], organisationId: org.id });
          return { email: user.email, password: user.password, expected: [303] };
        }),
      );
      const answers = await post(await prepare(plan));

      const statuses = answers.map((res) => res.status);
      expect(statuses.filter((s) => s >= 500), `answers of 500 in round ${round}: ${statuses.join(' ')}`).to.deep.equal([]);
      statuses.forEach((status, i) => expect(plan[i]!.expected, `round ${round}, attempt ${i} answered ${status}`).to.include(status));
      // Every attempt was counted once: the limit's remaining allowance went down one by one.
      const left = answers.map((res) => remaining(res) ?? -1).sort(byNumber);
      expect(left, `round ${round}`).to.deep.equal(Array.from({ length: AT_ONCE }, (_, i) => IP_LIMIT_DEFAULTS.limit - AT_ONCE + i));
      const windows = await RateLimitHitModel.find({}).lean();
      expect(windows.map((w) => w.hits), `round ${round}`).to.deep.equal([AT_ONCE]);
    }
  });

  it('counts every one of many concurrent failures of one account, so the lockout still holds (A4)', async () => {
    const target = await buildUser({ roles: ['caseworker'] });
    const failures = LOCKOUT.failures * 2;
    const answers = await post(await prepare(Array.from({ length: failures }, (_, i) => ({ email: target.email, password: plant(`wrong guess number ${i}`) }))));
    // The first five failures counted answer 401; the sixth locks the account, and every later one waits.
    const statuses = answers.map((res) => res.status).sort(byNumber);
    expect(statuses).to.deep.equal([...Array<number>(LOCKOUT.failures - 1).fill(401), ...Array<number>(failures - LOCKOUT.failures + 1).fill(429)]);
    expect(await AuditEntryModel.countDocuments({ action: 'account_locked', userId: target.id }), 'locked once').to.equal(1);
    const throttle = await LoginThrottleModel.findOne({}).lean();
    expect(throttle?.lockedUntil, 'the account is locked').to.be.instanceOf(Date);
    const [right] = await post(await prepare([{ email: target.email, password: target.password }]));
    expect(right!.status, 'even the right password waits').to.equal(429);
  });
});
