import { expect } from 'chai';
import request from 'supertest';
import { testOutbox } from '../../../src/lib/mailer.js';
import { AuthTokenModel } from '../../../src/models/auth-token.js';
import { UserModel } from '../../../src/models/user.js';
import { testApp } from '../../helpers/app.js';
import { advance } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildUser } from '../../helpers/factories.js';
import { csrfFrom, signIn, signInWithPassword, tokenOf } from '../../helpers/session.js';
import { plant } from '../../helpers/secrets.js';

async function askReset(email: string) {
  const agent = request.agent(await testApp());
  const token = csrfFrom((await agent.get('/reset')).text);
  return agent.post('/reset').type('form').send({ _csrf: token, email });
}

/** The link in the last mail to this address, and its token. */
function lastLink(to: string): { path: string; token: string } {
  const mail = [...testOutbox()].reverse().find((m) => m.to === to);
  const link = /(https?:\/\/[^\s]+)/.exec(mail?.text ?? '')?.[1];
  if (!link) throw new Error(`no link mailed to ${to}`);
  const url = new URL(link);
  return { path: `${url.pathname}${url.search}`, token: plant(url.searchParams.get('token')!) };
}

async function setPassword(path: string, token: string, password: string) {
  const agent = request.agent(await testApp());
  const form = await agent.get(path);
  if (form.status !== 200) return form;
  return agent.post(new URL(path, 'http://x').pathname).type('form').send({ _csrf: csrfFrom(form.text), token, password, confirm: password });
}

const NEW_PASSWORD = plant('A quiet river under the old bridge');

describe('password reset and invitations (SECURITY.md A6, A3, A2)', () => {
  useDatabase('reset');

  it('answers a known and an unknown address with the same page; only the known one gets mail', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    const before = testOutbox().length;
    const known = await askReset(user.email);
    const unknown = await askReset('nobody@test.haven.example');
    expect(known.status).to.equal(200);
    expect(unknown.status).to.equal(200);
    const strip = (html: string) => html.replace(/[0-9a-f-]{36}/g, '');
    expect(strip(known.text)).to.equal(strip(unknown.text));
    await new Promise((r) => setImmediate(r));
    expect(testOutbox().length - before).to.equal(1);
    expect(testOutbox().at(-1)!.to).to.equal(user.email);
  });

  it('mails a token of at least 128 bits, stored only as a hash', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    await askReset(user.email);
    await new Promise((r) => setImmediate(r));
    const { token } = lastLink(user.email);
    expect(Buffer.from(token, 'base64url').length * 8).to.be.at.least(128);
    const stored = await AuthTokenModel.find({}).lean();
    expect(stored).to.have.length(1);
    expect(JSON.stringify(stored)).to.not.include(token);
  });

  it('sets a new password once; the link then stops working; every session ends; the code is still asked', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['supervisor'] });
    const session = await signIn(app, user);
    await askReset(user.email);
    await new Promise((r) => setImmediate(r));
    const { path, token } = lastLink(user.email);
    const res = await setPassword(path, token, NEW_PASSWORD);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login?reset=1');
    expect((await session.get('/account')).status, 'the old session ended').to.equal(303);
    expect((await setPassword(path, token, 'Another long sentence for a password')).status, 'single use').to.equal(404);
    const { res: signedIn } = await signInWithPassword(app, { ...user, password: NEW_PASSWORD });
    expect(signedIn.status).to.equal(303);
    expect(signedIn.headers.location, 'MFA is not skipped').to.match(/^\/mfa/);
  });

  it('expires a token after 60 minutes', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    await askReset(user.email);
    await new Promise((r) => setImmediate(r));
    const { path, token } = lastLink(user.email);
    advance(61 * 60_000);
    expect((await setPassword(path, token, NEW_PASSWORD)).status).to.equal(404);
    const unchanged = await UserModel.findById(user.id).lean();
    expect(unchanged!.sessionEpoch).to.equal(0);
  });

  it('applies the password rules and keeps the token for another try (A2)', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    await askReset(user.email);
    await new Promise((r) => setImmediate(r));
    const { path, token } = lastLink(user.email);
    for (const weak of ['short one', 'password1234', `${user.email} is mine`]) {
      const res = await setPassword(path, token, weak);
      expect(res.status, weak).to.equal(422);
    }
    expect((await setPassword(path, token, NEW_PASSWORD)).status).to.equal(303);
  });

  it('an invitation lets the new user choose a password, then sign in and enrol their second factor', async () => {
    const app = await testApp();
    const admin = await buildUser({ roles: ['admin'] });
    const agent = await signIn(app, admin);
    const token = await tokenOf(agent, '/admin/users/new');
    const email = 'new.caseworker@test.haven.example';
    const res = await agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: token, email, name: 'New Caseworker (fictional)', roles: 'caseworker', locale: 'th' });
    expect(res.status).to.equal(303);
    const invited = await UserModel.findOne({ email }).lean();
    expect(invited!.status).to.equal('invited');
    expect(String(invited!.organisationId)).to.equal(admin.organisationId);
    const mail = testOutbox().at(-1)!;
    expect(mail.to).to.equal(email);
    expect(mail.subject, 'in the new user’s language').to.not.equal('Your Haven account');
    const link = lastLink(email);
    expect((await signInWithPassword(app, { ...admin, email, password: NEW_PASSWORD })).res.status, 'no password yet').to.equal(401);
    expect((await setPassword(link.path, link.token, NEW_PASSWORD)).status).to.equal(303);
    expect((await setPassword(link.path, link.token, NEW_PASSWORD)).status, 'single use').to.equal(404);
    const { res: signedIn } = await signInWithPassword(app, { ...admin, email, password: NEW_PASSWORD });
    expect(signedIn.headers.location).to.equal('/mfa/setup');
  });
});
