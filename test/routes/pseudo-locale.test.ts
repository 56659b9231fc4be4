import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import request from 'supertest';
import { createI18n } from '../../src/lib/i18n/index.js';
import { CaseModel } from '../../src/models/case.js';
import { OrganisationModel } from '../../src/models/organisation.js';
import { audit } from '../../src/services/audit/audit.js';
import { testApp } from '../helpers/app.js';
import { buildCase } from '../helpers/cases.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser } from '../helpers/factories.js';
import { signIn } from '../helpers/session.js';
import { PAGES } from '../helpers/pages.js';
import { PSEUDO, pseudoResources, untranslated } from '../helpers/pseudo.js';

describe('the pseudo-locale: no untranslated text on any page', () => {
  useDatabase('pseudo');
  let app: Express;
  let down: Express;
  before(async () => {
    const i18n = await createI18n({ extra: pseudoResources() });
    app = await testApp({ i18n });
    down = await testApp({ i18n, isConnected: () => false });
  });

  for (const page of PAGES) {
    it(`GET ${page}`, async () => {
      const res = await request(app).get(`${page}?lng=${PSEUDO}`).expect(200);
      expect(res.text).to.include('⟦');
      expect(untranslated(res.text)).to.deep.equal([]);
    });
  }

  it('the 404, 413 and 503 pages', async () => {
    const pages = [
      await request(app).get(`/nowhere?lng=${PSEUDO}`).expect(404),
      await request(app).post(`/login?lng=${PSEUDO}`).type('form').send(`a=${'b'.repeat(200_000)}`).expect(413),
      await request(down).get(`/?lng=${PSEUDO}`).expect(503),
    ];
    for (const res of pages) expect(untranslated(res.text), String(res.status)).to.deep.equal([]);
  });

  it('the administration and audit pages, with their data: teams, notices, names and case numbers in the audit log', async () => {
    const org = await buildOrganisation({ timeZone: 'Asia/Manila' });
    const team = new Types.ObjectId();
    await OrganisationModel.updateOne({ _id: org.id }, { $set: { teams: [{ _id: team, code: 'north', name: 'Demo North', retired: false }] } });
    const admin = await buildUser({ roles: ['admin'], organisationId: org.id });
    const auditor = await buildUser({ roles: ['auditor'], organisationId: org.id });
    const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
    const caseId = await buildCase(worker, {}, { team: 'north' });
    const caseNumber = (await CaseModel.findById(caseId).lean())!.caseNumber;
    const elsewhere = new Types.ObjectId().toHexString();
    await audit({ userId: worker.id, organisationId: org.id, roles: ['caseworker'], ip: '127.0.0.1' }, { action: 'access_denied', outcome: 'denied', reason: 'out_of_scope', recordType: 'case', recordId: elsewhere });
    const users = await mongoose.connection.collection('users').find({ organisationId: new Types.ObjectId(org.id) }).toArray();
    await mongoose.connection.collection('users').updateMany({ organisationId: new Types.ObjectId(org.id) }, { $set: { locale: PSEUDO } });
    const known = [...users.flatMap((u) => [u.name as string, u.email as string]), /Test Organisation \d+ \(fictional\)/.exec(JSON.stringify(await OrganisationModel.findById(org.id).lean()))![0], org.code, 'Demo North', caseNumber, `…${elsewhere.slice(-6)}`, 'Asia&#x2F;Manila', 'PH'];
    const pages: [Awaited<ReturnType<typeof signIn>>, string, number][] = [];
    const adminAgent = await signIn(app, admin);
    const auditorAgent = await signIn(app, auditor);
    for (const path of ['/admin/teams?done=added&team=' + String(team), `/admin/teams/${team}`, `/admin/users?done=invited&user=${worker.id}`, `/admin/users/${worker.id}`, '/admin/users/new', `/admin/organisations/${org.id}`, `/admin/organisations?done=saved&organisation=${org.id}`]) {
      pages.push([adminAgent, path, 200]);
    }
    pages.push([auditorAgent, '/audit', 200], [auditorAgent, `/audit/report?user=${encodeURIComponent(worker.email)}&from=2020-01-01&to=2100-01-01`, 200], [auditorAgent, `/audit/report?user=${encodeURIComponent(worker.email)}`, 422]);
    for (const [agent, path, status] of pages) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(status);
      expect(res.text, path).to.include('⟦');
      // Times come from Intl in English here ("Jan 5, 2026, 10:05 AM GMT+8"); addresses are digits and hex.
      const left = untranslated(res.text, known.sort((a, b) => b.length - a.length)).map((t) => t.replace(/[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M GMT[+-]\d{1,2}/g, '').trim());
      expect(left.filter((t) => !/^[\d\s:.a-f#·()…-]*$/.test(t)), path).to.deep.equal([]);
    }
  });

  it('catches English that bypasses the locale files (the check can fail)', () => {
    expect(untranslated('<p>⟦Hélló⟧</p><p>Sign in</p><a aria-label="Menu">x</a>')).to.deep.equal(['Sign in', 'x', 'Menu']);
  });
});
