import { expect } from 'chai';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { UserModel } from '../../../src/models/user.js';
import { testApp } from '../../helpers/app.js';
import { useDatabase } from '../../helpers/db.js';
import { buildUser } from '../../helpers/factories.js';
import { signIn, signInWithPassword, tokenOf } from '../../helpers/session.js';
import { plant } from '../../helpers/secrets.js';

describe('the user’s own page (/account)', () => {
  useDatabase('account');

  it('saves language and calendar, and every page follows the profile’s language', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    const agent = await signIn(await testApp(), user);
    const res = await agent.post('/account/preferences').type('form').send({ _csrf: await tokenOf(agent), locale: 'lo', calendar: 'gregory' });
    expect(res.status).to.equal(303);
    const saved = await UserModel.findById(user.id).lean();
    expect(saved).to.deep.include({ locale: 'lo', calendar: 'gregory' });
    const page = await agent.get('/?lng=fr');
    expect(page.text, 'the profile comes before ?lng').to.include('<html lang="lo"');
    expect(page.headers['content-language']).to.equal('lo');
  });

  it('changes the password only with the current one, and ends the other sessions', async () => {
    const app = await testApp();
    const user = await buildUser({ roles: ['caseworker'] });
    const agent = await signIn(app, user);
    const elsewhere = await signIn(app, user);
    const next = plant('Mangoes ripen slowly in Cebu');
    const wrong = await agent.post('/account/password').type('form').send({ _csrf: await tokenOf(agent, '/account/password'), current: 'not my password at all', next, confirm: next });
    expect(wrong.status).to.equal(422);
    expect(await AuditEntryModel.countDocuments({ action: 'password_change', outcome: 'failure', userId: user.id })).to.equal(1);
    const mismatch = await agent.post('/account/password').type('form').send({ _csrf: await tokenOf(agent, '/account/password'), current: user.password, next, confirm: `${next}!` });
    expect(mismatch.status).to.equal(422);
    const ok = await agent.post('/account/password').type('form').send({ _csrf: await tokenOf(agent, '/account/password'), current: user.password, next, confirm: next });
    expect(ok.status).to.equal(303);
    expect((await agent.get('/account')).status, 'this session goes on').to.equal(200);
    expect((await elsewhere.get('/account')).status, 'the other session ended').to.equal(303);
    expect((await signInWithPassword(app, user)).res.status, 'the old password no longer works').to.equal(401);
  });

  it('makes new recovery codes on request; the old ones stop working', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    const agent = await signIn(await testApp(), user);
    const first = await agent.post('/account/recovery-codes').type('form').send({ _csrf: await tokenOf(agent) });
    const codes = [...first.text.matchAll(/<li><code>([A-Z2-9]{5}-[A-Z2-9]{5})<\/code><\/li>/g)].map((m) => plant(m[1]!));
    expect(codes).to.have.length(10);
    const hashes = (await UserModel.findById(user.id).lean())!.mfa!.recoveryCodes;
    await agent.post('/account/recovery-codes').type('form').send({ _csrf: await tokenOf(agent) });
    const renewed = (await UserModel.findById(user.id).lean())!.mfa!.recoveryCodes;
    expect(renewed).to.have.length(10);
    expect(renewed.filter((h) => hashes.includes(h))).to.deep.equal([]);
  });
});
