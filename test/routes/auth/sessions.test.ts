import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { sessionCookieName } from '../../../src/middleware/session.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { testApp } from '../../helpers/app.js';
import { advance } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildUser } from '../../helpers/factories.js';
import { cookieOf, csrfFrom, nextCode, signIn, signInWithPassword, tokenOf } from '../../helpers/session.js';
import { plant } from '../../helpers/secrets.js';

function setCookies(res: request.Response): string[] {
  return (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
}

/** A request carrying only the given cookie, as a second browser would. */
async function withCookie(cookie: string, path = '/account') {
  return request(await testApp()).get(path).set('Cookie', cookie);
}

describe('sessions (SECURITY.md S1-S5)', () => {
  useDatabase('sessions');

  it('S1: the cookie is HttpOnly, SameSite=Lax, path /, and __Host- prefixed and Secure in production', async () => {
    const res = await request(await testApp()).get('/login');
    const cookie = setCookies(res).find((c) => c.startsWith('haven='));
    expect(cookie, 'an anonymous session carries the form token').to.be.a('string');
    expect(cookie).to.match(/; HttpOnly/i).and.match(/; SameSite=Lax/i).and.match(/; Path=\//i);
    expect(cookie, 'no Domain attribute').to.not.match(/; Domain=/i);
    expect(sessionCookieName(true)).to.equal('__Host-haven');
    expect(sessionCookieName(false)).to.equal('haven');
  });

  it('S2: a new session id at sign-in and again after the second factor', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'] });
    const agent = request.agent(app);
    const first = await agent.get('/login');
    const anonymous = cookieOf(first)!;
    const { res } = await signInWithPassword(app, user, agent);
    const afterPassword = cookieOf(res)!;
    expect(afterPassword).to.be.a('string').and.not.equal(anonymous);
    const token = csrfFrom((await agent.get('/mfa')).text);
    const done = await agent.post('/mfa').type('form').send({ _csrf: token, code: await nextCode(user) });
    const afterMfa = cookieOf(done)!;
    expect(afterMfa).to.be.a('string').and.not.equal(afterPassword);
    plant(anonymous);
    plant(afterPassword);
    plant(afterMfa);
    expect((await withCookie(anonymous)).status, 'the anonymous id is not signed in').to.equal(303);
    expect((await withCookie(afterPassword)).status, 'the half-way id is gone').to.equal(303);
    expect((await withCookie(afterMfa)).status).to.equal(200);
  });

  it('S3: ends a session idle for more than 30 minutes, on the server', async () => {
    const agent = await signIn(await testApp(), await buildUser({ roles: ['caseworker'] }));
    advance(29 * 60_000);
    expect((await agent.get('/account')).status).to.equal(200);
    advance(29 * 60_000);
    expect((await agent.get('/account')).status, 'activity keeps it alive').to.equal(200);
    advance(31 * 60_000);
    const res = await agent.get('/account');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.match(/^\/login/);
  });

  it('S3: ends any session 12 hours after sign-in, however active', async () => {
    const agent = await signIn(await testApp(), await buildUser({ roles: ['caseworker'] }));
    for (let hour = 0; hour < 11 * 4 + 3; hour += 1) {
      advance(15 * 60_000);
      expect((await agent.get('/account')).status, `after ${(hour + 1) * 15} minutes`).to.equal(200);
    }
    advance(15 * 60_000 + 1000);
    expect((await agent.get('/account')).status).to.equal(303);
  });

  it('S4: sign-out is a POST with the CSRF token, and the old cookie then gets nothing', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'] });
    const agent = await signIn(app, user);
    // The cookie as someone who copied it from this browser would hold it.
    const jar = (agent as unknown as { jar: { getCookie(n: string, o: object): { value: string } | undefined } }).jar;
    const stolen = plant(`haven=${jar.getCookie('haven', { domain: '127.0.0.1', path: '/', secure: false, script: false })!.value}`);
    expect((await agent.get('/logout')).status, 'no GET sign-out').to.equal(404);
    expect((await agent.post('/logout')).status, 'no sign-out without the token').to.equal(403);
    expect((await withCookie(stolen)).status, 'still signed in').to.equal(200);
    const res = await agent.post('/logout').type('form').send({ _csrf: await tokenOf(agent) });
    expect(res.status).to.equal(303);
    expect((await withCookie(stolen)).status).to.equal(303);
    expect((await withCookie(stolen, '/admin/users')).status).to.equal(303);
    expect(await AuditEntryModel.countDocuments({ action: 'sign_out', userId: user.id })).to.equal(1);
  });

  it('S5: sessions live in the database and hold only ids, times, the MFA state and the form token', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    await signIn(await testApp(), user);
    const stored = await mongoose.connection.collection('sessions').find({ 'session.userId': user.id }).toArray();
    expect(stored).to.have.length(1);
    const keys = Object.keys(stored[0]!.session);
    expect(keys).to.include.members(['userId', 'epoch', 'mfa', 'startedAt', 'seenAt']);
    expect(keys.filter((k) => !['cookie', 'csrfToken', 'epoch', 'mfa', 'seenAt', 'startedAt', 'userId'].includes(k))).to.deep.equal([]);
    expect(JSON.stringify(stored[0]), 'no email, name or roles').to.not.include(user.email).and.not.include('caseworker');
    expect(stored[0]!.expires).to.be.instanceOf(Date);
    const indexes = await mongoose.connection.collection('sessions').indexes();
    // Expired sessions are removed by a TTL index on `expires` (DATABASE.md), and checked on every read.
    expect(indexes.filter((i) => 'expireAfterSeconds' in i).map((i) => [i.key, i.expireAfterSeconds])).to.deep.equal([[{ expires: 1 }, 0]]);
  });

  it('S5: an admin ends all of a user\'s sessions, and they are out at their next request', async () => {
    const app = await testApp();
    const target = await buildUser({ roles: ['caseworker'] });
    const admin = await buildUser({ roles: ['admin'], organisationId: target.organisationId });
    const victim = await signIn(app, target);
    const other = await signIn(app, target);
    const adminAgent = await signIn(app, admin);
    const token = await tokenOf(adminAgent, `/admin/users/${target.id}`);
    expect((await adminAgent.post(`/admin/users/${target.id}/revoke-sessions`).type('form').send({ _csrf: token })).status).to.equal(303);
    expect((await victim.get('/account')).status).to.equal(303);
    expect((await other.get('/account')).status).to.equal(303);
    expect(await mongoose.connection.collection('sessions').countDocuments({ 'session.userId': target.id })).to.equal(0);
    expect(await AuditEntryModel.countDocuments({ action: 'sessions_revoke', recordId: target.id, userId: admin.id })).to.equal(1);
    expect((await signIn(app, target).then((a) => a.get('/account'))).status, 'they can sign in again').to.equal(200);
  });

  it('A6: a disabled user is out at their next request', async () => {
    const app = await testApp();
    const target = await buildUser({ roles: ['caseworker'] });
    const admin = await buildUser({ roles: ['admin'], organisationId: target.organisationId });
    const victim = await signIn(app, target);
    const adminAgent = await signIn(app, admin);
    const token = await tokenOf(adminAgent, `/admin/users/${target.id}`);
    expect((await adminAgent.post(`/admin/users/${target.id}/disable`).type('form').send({ _csrf: token })).status).to.equal(303);
    expect((await victim.get('/account')).status).to.equal(303);
    expect((await signInWithPassword(app, target)).res.status).to.equal(401);
  });
});
