/** Signs a benchmark user in through the real forms (password, then the TOTP code) and returns the cookie. */
import type { Express } from 'express';
import request from 'supertest';
import { currentTotp } from '../src/lib/totp.js';

const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

export async function signInCookie(app: Express, user: { email: string; password: string; totpSecret: string }, at: number): Promise<string> {
  const agent = request.agent(app);
  const login = await agent.get('/login');
  await agent.post('/login').type('form').send({ _csrf: csrf(login.text), email: user.email, password: user.password });
  const mfa = await agent.get('/mfa');
  const done = await agent.post('/mfa').type('form').send({ _csrf: csrf(mfa.text), code: await currentTotp(user.totpSecret, at) });
  if (done.status !== 303) throw new Error(`sign-in failed: ${done.status}`);
  return String((done.headers['set-cookie'] as unknown as string[])[0]).split(';')[0]!;
}
