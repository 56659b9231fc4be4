import argon2 from 'argon2';
import { expect } from 'chai';
import request from 'supertest';
import { ARGON2_OPTIONS } from '../../../src/lib/passwords.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { UserModel } from '../../../src/models/user.js';
import { LOCKOUT } from '../../../src/services/auth/auth.js';
import { provisionUser } from '../../../src/services/admin/user-provisioning.js';
import { testApp } from '../../helpers/app.js';
import { advance } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser } from '../../helpers/factories.js';
import { csrfFrom, nextCode, signInWithPassword, type Agent } from '../../helpers/session.js';
import { plant } from '../../helpers/secrets.js';

async function attempt(app: Awaited<ReturnType<typeof testApp>>, email: string, password: string) {
  const agent = request.agent(app);
  const token = csrfFrom((await agent.get('/login')).text);
  return agent.post('/login').type('form').send({ _csrf: token, email, password });
}

/** The page without what legitimately differs between two answers (tokens, request ids, the email typed). */
function shape(html: string): string {
  return html
    .replace(/value="[0-9a-f]{64}"/g, 'value="TOKEN"')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID')
    .replace(/name="email"([^>]*) value="[^"]*"/, 'name="email"$1 value=""');
}

describe('POST /login', () => {
  useDatabase('signin');

  it('stores passwords as argon2id with at least 19 MiB, t=2, p=1, never in the clear (A1)', async () => {
    const org = await buildOrganisation();
    const password = plant('Seven purple lanterns over Cebu');
    await provisionUser({ email: 'a1@test.haven.example', name: 'A1 (fictional)', roles: ['caseworker'], organisationCode: org.code, password });
    const user = await UserModel.findOne({ email: 'a1@test.haven.example' }).lean();
    const [, params] = /^\$argon2id\$v=19\$([^$]+)\$/.exec(user!.passwordHash!) ?? [];
    const p = Object.fromEntries(String(params).split(',').map((kv) => kv.split('=')));
    expect(Number(p.m)).to.be.at.least(19 * 1024);
    expect(Number(p.t)).to.be.at.least(2);
    expect(Number(p.p)).to.equal(1);
    expect(ARGON2_OPTIONS.memoryCost).to.be.at.least(19 * 1024);
    expect(JSON.stringify(user)).to.not.include(password);
  });

  it('a fresh installation has no accounts at all, so no default credentials (A1)', async () => {
    expect(await UserModel.countDocuments({})).to.equal(0);
    const res = await attempt(await testApp(), 'admin@localhost', 'admin');
    expect(res.status).to.equal(401);
  });

  it('answers an unknown email and a wrong password with the same status and page (A3)', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'] });
    const unknown = await attempt(app, 'nobody@test.haven.example', 'whatever it may be');
    const wrong = await attempt(app, user.email, 'whatever it may be');
    const disabled = await buildUser({ roles: ['caseworker'], status: 'disabled' });
    const offAccount = await attempt(app, disabled.email, disabled.password);
    expect(unknown.status).to.equal(401);
    expect(wrong.status).to.equal(401);
    expect(offAccount.status, 'a disabled account says nothing more').to.equal(401);
    expect(shape(unknown.text)).to.equal(shape(wrong.text));
    expect(shape(offAccount.text)).to.equal(shape(wrong.text));
  });

  it('does the same work for an unknown email as for a wrong password: one argon2id verification (A3)', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'] });
    await attempt(app, 'warm-up@test.haven.example', 'whatever it may be');
    const original = argon2.verify;
    let calls = 0;
    argon2.verify = (async (...args: Parameters<typeof original>) => {
      calls += 1;
      return original(...args);
    }) as typeof original;
    try {
      const counted = async (email: string) => {
        calls = 0;
        await attempt(app, email, 'whatever it may be');
        return calls;
      };
      expect(await counted('nobody@test.haven.example'), 'unknown email').to.equal(1);
      expect(await counted(user.email), 'wrong password').to.equal(1);
    } finally {
      argon2.verify = original;
    }
  });

  it('signs in with the right password and asks for the second factor next', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'] });
    const { res } = await signInWithPassword(app, user);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.match(/^\/mfa/);
    expect(await AuditEntryModel.countDocuments({ action: 'sign_in', outcome: 'success', userId: user.id })).to.equal(1);
  });

  it('locks an account for 30 minutes after 6 failures in 15 minutes, with 429 and an audit entry (A4)', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'] });
    const statuses: number[] = [];
    for (let i = 0; i < LOCKOUT.failures; i += 1) statuses.push((await attempt(app, user.email, `wrong password number ${i}`)).status);
    expect(statuses.slice(0, -1)).to.deep.equal([401, 401, 401, 401, 401]);
    expect(statuses.at(-1)).to.equal(429);
    const locked = await attempt(app, user.email, user.password);
    expect(locked.status, 'even the right password waits').to.equal(429);
    expect(await AuditEntryModel.countDocuments({ action: 'account_locked', userId: user.id })).to.equal(1);
    expect(await AuditEntryModel.countDocuments({ action: 'sign_in', reason: 'locked', userId: user.id })).to.equal(1);
    advance(29 * 60_000);
    expect((await attempt(app, user.email, user.password)).status).to.equal(429);
    advance(2 * 60_000);
    expect((await attempt(app, user.email, user.password)).status, 'after 30 minutes').to.equal(303);
  });

  it('locks an unknown address exactly like a known one, so lockout tells nothing (A3, A4)', async () => {
    const app = await testApp();
    const statuses: number[] = [];
    for (let i = 0; i < LOCKOUT.failures + 1; i += 1) statuses.push((await attempt(app, 'ghost@test.haven.example', `guess ${i}`)).status);
    expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429, 429]);
  });

  it('forgets failures older than 15 minutes', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'] });
    for (let i = 0; i < LOCKOUT.failures - 1; i += 1) await attempt(app, user.email, `wrong ${i}`);
    advance(16 * 60_000);
    expect((await attempt(app, user.email, 'wrong again')).status).to.equal(401);
    expect((await attempt(app, user.email, user.password)).status).to.equal(303);
  });

  it('limits attempts per address separately from the account lockout (A4)', async () => {
    const app = await testApp({ ipLimit: { limit: 3, windowMs: 15 * 60_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await attempt(app, `different${i}@test.haven.example`, 'some password here')).status);
    expect(statuses).to.deep.equal([401, 401, 401, 429]);
    expect(await AuditEntryModel.countDocuments({ action: 'sign_in', reason: 'ip_limited' })).to.be.at.least(1);
  });

  it('refuses a sign-in form without its CSRF token (O4)', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    const res = await request(await testApp()).post('/login').type('form').send({ email: user.email, password: user.password });
    expect(res.status).to.equal(403);
    expect(res.headers['set-cookie'] ?? []).to.not.satisfy((c: string[]) => c.some((x) => x.startsWith('haven=')));
  });
});

describe('the language picked at sign-in, and where sign-in lands', () => {
  useDatabase('signinlanguage');

  /** Signs in from the sign-in page shown in `lng` (the menu's link sets the cookie). */
  async function fromPage(app: Awaited<ReturnType<typeof testApp>>, user: Awaited<ReturnType<typeof buildUser>>, lng?: string) {
    const agent = request.agent(app);
    const page = await agent.get(lng ? `/login?lng=${lng}` : '/login');
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password: user.password });
    return { agent, res };
  }

  async function giveCode(agent: Agent, user: Awaited<ReturnType<typeof buildUser>>, page = '/mfa') {
    const mfa = await agent.get(page);
    // As the browser sends the page's form: with the page to go back to, when it carries one.
    const next = /name="next" value="([^"]*)"/.exec(mfa.text)?.[1]?.replace(/&#x3D;/g, '=');
    return { mfa, done: await agent.post('/mfa').type('form').send({ _csrf: csrfFrom(mfa.text), code: await nextCode(user), ...(next ? { next } : {}) }) };
  }

  it('lands on the start page (/) after the second factor', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'] });
    const { agent, res } = await fromPage(app, user);
    expect(res.headers.location).to.equal('/mfa?next=%2F');
    const { done } = await giveCode(agent, user);
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal('/');
  });

  it('keeps a safe return path and drops one that leaves the site', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'] });
    for (const [next, lands] of [['/cases', '/cases'], ['//evil.example', '/']] as const) {
      const agent = request.agent(app);
      const page = await agent.get(`/login?next=${encodeURIComponent(next)}`);
      const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password: user.password, next });
      expect(res.headers.location, next).to.equal(`/mfa?next=${encodeURIComponent(lands)}`);
      const { done } = await giveCode(agent, user, res.headers.location as string);
      expect(done.headers.location, next).to.equal(lands);
    }
  });

  it('shows the second-factor page in the language picked on the sign-in page, not the profile’s', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'], locale: 'en' });
    const { agent } = await fromPage(app, user, 'th');
    const { mfa } = await giveCode(agent, user);
    expect(mfa.text).to.include('<html lang="th"');
    expect(mfa.headers['content-language']).to.equal('th');
    expect((await UserModel.findById(user.id).lean())!.locale, 'the profile is unchanged').to.equal('en');
  });

  it('then offers, once and in that language, to make it the profile’s language; one click does it, unaudited', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'], locale: 'en' });
    const { agent } = await fromPage(app, user, 'th');
    const { done } = await giveCode(agent, user);
    const landing = await agent.get(done.headers.location as string);
    expect(landing.text, 'the page itself is in the profile’s language').to.include('<html lang="en"');
    const offer = /<form method="post" action="\/account\/language" class="notice language-offer" lang="th">[\s\S]*?<\/form>/.exec(landing.text)?.[0];
    expect(offer, 'the offer is on the landing page').to.be.a('string');
    expect(offer).to.include('ไทย').and.include('name="locale" value="th"').and.include('name="locale" value="en"');
    expect((await agent.get('/')).text, 'offered once').to.not.include('language-offer');

    const audited = await AuditEntryModel.countDocuments({});
    const token = csrfFrom(landing.text);
    const accepted = await agent.post('/account/language').type('form').send({ _csrf: token, locale: 'th', returnTo: '/' });
    expect(accepted.status).to.equal(303);
    expect((await UserModel.findById(user.id).lean())!.locale).to.equal('th');
    expect(await AuditEntryModel.countDocuments({}), 'a language switch is no user change').to.equal(audited);
    expect(await AuditEntryModel.countDocuments({ action: 'user_update', userId: user.id })).to.equal(0);
  });

  it('offers nothing when the language picked is already the profile’s, or none was picked', async () => {
    const app = await testApp();
    for (const lng of ['fr', undefined]) {
      const user = await buildUser({ roles: ['caseworker'], locale: 'fr' });
      const { agent } = await fromPage(app, user, lng);
      const { mfa, done } = await giveCode(agent, user);
      expect(mfa.text, String(lng)).to.include('<html lang="fr"');
      expect((await agent.get(done.headers.location as string)).text, String(lng)).to.not.include('language-offer');
    }
  });

  it('a language switch before the second factor changes that sign-in’s language only, never the profile', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'], locale: 'en' });
    const { agent } = await fromPage(app, user);
    const mfa = await agent.get('/mfa');
    const res = await agent.post('/account/language').type('form').send({ _csrf: csrfFrom(mfa.text), locale: 'km', returnTo: '/mfa' });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/mfa');
    expect((await agent.get('/mfa')).text).to.include('<html lang="km"');
    expect((await UserModel.findById(user.id).lean())!.locale).to.equal('en');
  });

  it('switching language after a save does not say "saved" again', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'], locale: 'en' });
    const { agent } = await fromPage(app, user);
    const { done } = await giveCode(agent, user);
    const token = csrfFrom((await agent.get(done.headers.location as string)).text);
    const saved = await agent.post('/account/preferences').type('form').send({ _csrf: token, locale: 'en', calendar: 'gregory' });
    expect(saved.headers.location).to.equal('/account?saved=1');
    const page = await agent.get('/account?saved=1');
    expect(page.text).to.include('Your changes are saved.');
    // The language menu sends the page's own address back.
    expect(page.text).to.include('name="returnTo" value="/account?saved&#x3D;1"');
    const switched = await agent.post('/account/language').type('form').send({ _csrf: token, locale: 'fr', returnTo: '/account?saved=1' });
    expect(switched.headers.location).to.equal('/account');
    const again = await agent.get(switched.headers.location as string);
    expect(again.text).to.include('<html lang="fr"').and.not.include('Vos modifications ont été enregistrées.');
    const fromCase = await agent.post('/account/language').type('form').send({ _csrf: token, locale: 'en', returnTo: '/cases/0123456789abcdef01234567?done=saved&x=1' });
    expect(fromCase.headers.location).to.equal('/cases/0123456789abcdef01234567?x=1');
  });
});
