/**
 * What someone types about a legal case never reaches the database or the logs in the clear (SECURITY.md
 * D1, D4): a caseworker records a legal case through the pages with a unique marker in the office's
 * name, the case reference, two offenders' names, a hearing's note, its outcome note and a note on the
 * support given; every collection is then read raw through the driver, and the log file of the run,
 * and neither holds any marker, while the legal case's page shows every one.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { config } from '../../../src/config/index.js';
import { LegalHearingModel } from '../../../src/models/legal-hearing.js';
import { testApp } from '../../helpers/app.js';
import { useDatabase } from '../../helpers/db.js';
import { plant } from '../../helpers/secrets.js';
import { signIn, tokenOf } from '../../helpers/session.js';
import { buildTeam, day } from './setup.js';

function marker(label: string): string {
  return plant(`MARKERLEGAL${label}${randomBytes(6).toString('hex')}`);
}

describe('legal case text is sealed (SECURITY.md D1, D4)', () => {
  useDatabase('legalsealing');

  it('a marker in every typed legal field is absent from every raw collection and from the logs, and shown on the page', async () => {
    const app = await testApp();
    const t = await buildTeam();
    const agent = await signIn(app, t.worker);
    const _csrf = await tokenOf(agent);
    const m = {
      authorityName: marker('office'),
      reference: marker('reference'),
      offenderOne: `Offender ${marker('alpha')} Test`,
      offenderTwo: `Offender ${marker('beta')} Test`,
      hearingNote: marker('hearingnote'),
      outcomeNote: marker('outcomenote'),
      supportNote: marker('supportnote'),
    };
    const post = async (path: string, body: Record<string, unknown>) => {
      const res = await agent.post(path).type('form').send({ _csrf, ...body });
      expect(res.status, `${path}: ${res.text.slice(0, 1500)}`).to.equal(303);
      return res;
    };
    const created = await post(`/cases/${t.caseId}/legal`, {
      status: 'trial',
      complaintDate: day(-90),
      authority: 'court',
      authorityName: m.authorityName,
      reference: m.reference,
      charges: ['online_sexual_exploitation', 'trafficking_in_persons'],
      offenderName: [m.offenderOne, m.offenderTwo, ''],
      offenderRelationship: ['household_facilitator', 'online_contact', ''],
    });
    const legalId = /\/legal\/([0-9a-f]{24})/.exec(String(created.headers.location))![1]!;
    await post(`/cases/${t.caseId}/legal/${legalId}/hearings`, { date: day(-2), kind: 'child_testimony', note: m.hearingNote, language: 'en' });
    const hearing = (await LegalHearingModel.findOne({ legalCaseId: legalId }).lean())!;
    const before = await agent.get(`/cases/${t.caseId}/legal/${legalId}`);
    expect(before.text).to.include(m.hearingNote);
    await post(`/cases/${t.caseId}/legal/${legalId}/hearings/${hearing._id}/outcome`, { outcome: 'child_testified', note: m.outcomeNote, language: 'en' });
    await post(`/cases/${t.caseId}/legal/${legalId}/support`, { kinds: ['screen', 'support_person'], date: day(-2), note: m.supportNote, language: 'en' });
    // A refused form carries its typed values back, and must not log them either.
    const refused = await agent.post(`/cases/${t.caseId}/legal/${legalId}/hearings`).type('form').send({ _csrf, date: day(-400), kind: 'trial', note: m.hearingNote, language: 'en' });
    expect(refused.status).to.equal(422);

    const page = await agent.get(`/cases/${t.caseId}/legal/${legalId}`);
    expect(page.status).to.equal(200);
    const shown = [m.authorityName, m.reference, m.offenderOne, m.offenderTwo, m.outcomeNote, m.supportNote];
    for (const value of shown) expect(page.text, value).to.include(value);
    expect((await agent.get(`/cases/${t.caseId}?open=legal`)).text).to.include(m.reference);

    const db = mongoose.connection.db!;
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).to.include.members(['legal_cases', 'legal_hearings']);
    for (const name of names) {
      const raw = JSON.stringify(await db.collection(name).find().toArray());
      for (const value of Object.values(m)) expect(raw, `${value} in ${name}`).to.not.include(value.replace(/^Offender | Test$/g, ''));
    }
    const log = readFileSync(config.logFile!, 'utf8');
    for (const value of Object.values(m)) expect(log, value).to.not.include(value.replace(/^Offender | Test$/g, ''));
  });
});
