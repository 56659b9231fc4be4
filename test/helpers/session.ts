/**
 * Signing in through the real pages, as a browser would: the form's CSRF token, the password, then
 * the TOTP code. The test clock moves one TOTP step before each code, since a code is never accepted
 * twice (SECURITY.md A5).
 */
import type { Express } from 'express';
import request from 'supertest';
import { currentTotp } from '../../src/lib/totp.js';
import { advance, now } from './clock.js';
import type { TestUser } from './factories.js';
import { plant } from './secrets.js';

export type Agent = ReturnType<typeof request.agent>;

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return plant(m[1]!);
}

/** A fresh TOTP code for the user, one step after the last one used. */
export async function nextCode(user: TestUser): Promise<string> {
  advance(30_000);
  return plant(await currentTotp(user.totpSecret, now()));
}

export async function signInWithPassword(app: Express, user: TestUser, agent: Agent = request.agent(app)): Promise<{ agent: Agent; res: request.Response }> {
  const token = csrfFrom((await agent.get('/login')).text);
  const res = await agent.post('/login').type('form').send({ _csrf: token, email: user.email, password: user.password });
  return { agent, res };
}

/** Signs in all the way (password and second factor); fails loudly if any step does not work. */
export async function signIn(app: Express, user: TestUser): Promise<Agent> {
  const { agent, res } = await signInWithPassword(app, user);
  if (res.status !== 303 || !String(res.headers.location).startsWith('/mfa')) throw new Error(`password step answered ${res.status} ${res.headers.location}`);
  const token = csrfFrom((await agent.get('/mfa')).text);
  const done = await agent.post('/mfa').type('form').send({ _csrf: token, code: await nextCode(user) });
  if (done.status !== 303) throw new Error(`code step answered ${done.status}`);
  return agent;
}

/** A CSRF token of the agent's session, from any signed-in page. */
export async function tokenOf(agent: Agent, page = '/account'): Promise<string> {
  return csrfFrom((await agent.get(page)).text);
}

export function cookieOf(res: request.Response): string | undefined {
  const raw = res.headers['set-cookie'] as unknown as string[] | undefined;
  return raw?.find((c) => c.startsWith('haven='))?.split(';')[0];
}
