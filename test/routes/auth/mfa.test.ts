import { expect } from 'chai';
import request from 'supertest';
import { requiresMfa, ROLES } from '../../../src/domain/permissions.js';
import { decrypt } from '../../../src/lib/crypto.js';
import { currentTotp } from '../../../src/lib/totp.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { UserModel } from '../../../src/models/user.js';
import { testApp } from '../../helpers/app.js';
import { advance, now } from '../../helpers/clock.js';
import { useDatabase } from '../../helpers/db.js';
import { buildUser, type TestUser } from '../../helpers/factories.js';
import { csrfFrom, nextCode, signIn, signInWithPassword, type Agent } from '../../helpers/session.js';
import { plant } from '../../helpers/secrets.js';

async function postCode(agent: Agent, code: string, path = '/mfa') {
  const token = csrfFrom((await agent.get(path)).text);
  return agent.post(path).type('form').send({ _csrf: token, code });
}

async function halfSignedIn(user: TestUser): Promise<Agent> {
  const { agent, res } = await signInWithPassword(await testApp(), user);
  expect(res.headers.location).to.match(/^\/mfa/);
  return agent;
}

describe('second factor (SECURITY.md A5)', () => {
  useDatabase('mfa');

  it('is required for every role: each can read case data or administer', () => {
    for (const role of ROLES) expect(requiresMfa([role]), role).to.equal(true);
    expect(requiresMfa([])).to.equal(false);
  });

  it('keeps every case and admin page closed until the code is given', async () => {
    const user = await buildUser({ roles: ['admin'] });
    const agent = await halfSignedIn(user);
    for (const path of ['/admin/users', '/admin/organisations', '/account', '/audit']) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(303);
      expect(res.headers.location, path).to.equal('/mfa');
    }
    expect((await postCode(agent, await nextCode(user))).status).to.equal(303);
    expect((await agent.get('/admin/users')).status).to.equal(200);
  });

  it('accepts a code one step off either way and refuses two steps off', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    advance(60_000);
    const at = (offsetSteps: number) => currentTotp(user.totpSecret, now() + offsetSteps * 30_000);
    let agent = await halfSignedIn(user);
    expect((await postCode(agent, await at(-2))).status, 'two steps behind').to.equal(401);
    expect((await postCode(agent, await at(2))).status, 'two steps ahead').to.equal(401);
    expect((await postCode(agent, await at(-1))).status, 'one step behind').to.equal(303);
    advance(90_000);
    agent = await halfSignedIn(user);
    expect((await postCode(agent, await currentTotp(user.totpSecret, now() + 30_000))).status, 'one step ahead').to.equal(303);
  });

  it('refuses a code that was already used, even in a new sign-in, and audits it', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    const code = await nextCode(user);
    expect((await postCode(await halfSignedIn(user), code)).status).to.equal(303);
    const again = await postCode(await halfSignedIn(user), code);
    expect(again.status).to.equal(401);
    expect(await AuditEntryModel.countDocuments({ action: 'mfa_verify', reason: 'code_reused', userId: user.id })).to.equal(1);
  });

  it('refuses an earlier code once a later one was used', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    advance(60_000);
    const earlier = plant(await currentTotp(user.totpSecret, now() - 30_000));
    const current = plant(await currentTotp(user.totpSecret, now()));
    expect((await postCode(await halfSignedIn(user), current)).status).to.equal(303);
    expect((await postCode(await halfSignedIn(user), earlier)).status).to.equal(401);
  });

  describe('enrolment', () => {
    it('shows the key and a QR code drawn on the server as SVG, then 10 single-use recovery codes', async () => {
      const user = await buildUser({ roles: ['supervisor'], mfa: false });
      const { agent, res } = await signInWithPassword(await testApp(), user);
      expect(res.headers.location).to.equal('/mfa/setup');
      const page = await agent.get('/mfa/setup');
      expect(page.status).to.equal(200);
      const key = /<code class="secret" lang="en">([A-Z2-7]+)<\/code>/.exec(page.text)?.[1];
      expect(key, 'the key is shown').to.be.a('string');
      expect(Buffer.byteLength(key!, 'utf8') * 5).to.be.at.least(160, 'at least 160 bits');
      plant(key!);
      const qr = /<img class="qr" src="data:image\/svg\+xml;base64,([^"]+)"/.exec(page.text)?.[1];
      const svg = Buffer.from(qr!, 'base64').toString('utf8');
      expect(svg).to.match(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).to.not.match(/<script/i);
      expect(page.text).to.not.match(/<script/i);

      const stored = await UserModel.findById(user.id).lean();
      expect(stored!.mfa!.pendingSecret).to.not.include(key!);
      expect(decrypt(stored!.mfa!.pendingSecret!)).to.equal(key);

      const wrong = await postCode(agent, '123456', '/mfa/setup');
      expect(wrong.status).to.equal(422);
      advance(30_000);
      const done = await postCode(agent, plant(await currentTotp(key!, now())), '/mfa/setup');
      expect(done.status).to.equal(200);
      const codes = [...done.text.matchAll(/<li><code>([A-Z2-9]{5}-[A-Z2-9]{5})<\/code><\/li>/g)].map((m) => plant(m[1]!));
      expect(codes).to.have.length(10);
      expect(new Set(codes).size).to.equal(10);

      const enrolled = await UserModel.findById(user.id).lean();
      expect(enrolled!.mfa!.secret, 'the seed is stored encrypted').to.match(/^v1:/).and.not.include(key!);
      expect(enrolled!.mfa!.recoveryCodes).to.have.length(10);
      for (const code of codes) expect(JSON.stringify(enrolled)).to.not.include(code.replace('-', ''));
      expect((await agent.get('/account')).status, 'fully signed in').to.equal(200);

      // A recovery code works once.
      const first = await postCode(await halfSignedIn({ ...user, totpSecret: key! }), codes[0]!);
      expect(first.status).to.equal(303);
      const reused = await postCode(await halfSignedIn({ ...user, totpSecret: key! }), codes[0]!);
      expect(reused.status).to.equal(401);
      expect(await AuditEntryModel.countDocuments({ action: 'mfa_recovery_used', userId: user.id })).to.equal(1);
    });

    it('a GET of the setup page changes nothing; the start button makes the key (O4)', async () => {
      const user = await buildUser({ roles: ['caseworker'], mfa: false });
      const { agent } = await signInWithPassword(await testApp(), user);
      await UserModel.updateOne({ _id: user.id }, { $unset: { 'mfa.pendingSecret': 1 } });
      const page = await agent.get('/mfa/setup');
      expect(page.status).to.equal(200);
      expect(page.text).to.include('name="start" value="1"').and.not.include('class="secret"');
      expect((await UserModel.findById(user.id).lean())!.mfa!.pendingSecret).to.equal(undefined);
      const started = await agent.post('/mfa/setup').type('form').send({ _csrf: csrfFrom(page.text), start: '1' });
      expect(started.status).to.equal(303);
      expect((await UserModel.findById(user.id).lean())!.mfa!.pendingSecret).to.match(/^v1:/);
      expect((await agent.get('/mfa/setup')).text).to.include('class="secret"');
    });

    it('cannot replace an enrolled second factor by visiting the setup page again', async () => {
      const user = await buildUser({ roles: ['caseworker'] });
      const agent = await signIn(await testApp(), user);
      const res = await agent.get('/mfa/setup');
      expect(res.status).to.equal(303);
      const before = (await UserModel.findById(user.id).lean())!.mfa!.secret;
      const token = csrfFrom((await agent.get('/account')).text);
      await agent.post('/mfa/setup').type('form').send({ _csrf: token, code: '000000' });
      expect((await UserModel.findById(user.id).lean())!.mfa!.secret).to.equal(before);
    });
  });

  it('a user half signed in cannot skip the code by going to another page', async () => {
    const user = await buildUser({ roles: ['auditor'] });
    const agent = await halfSignedIn(user);
    const res = await agent.get('/audit');
    expect(res.status).to.equal(303);
    const anonymous = await request(await testApp()).get('/audit');
    expect(anonymous.headers.location).to.match(/^\/login/);
  });
});
