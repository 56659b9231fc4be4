/**
 * The case forms as a new user meets them: no answer given for them (risk, how identified, source,
 * attachment kind, family roles start on "choose"), no browser bubbles (every message comes from the
 * server, names its field, in the form's order and the page's language), confirmations for withdrawing
 * a consent and for finishing a task (which can be undone), language names Intl does not have, places
 * typed by name, and text input that refuses control characters (SECURITY.md I1, D1; I18N.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import type request from 'supertest';
import { LOCALES } from '../../src/domain/locales.js';
import { SPOKEN_LANGUAGES } from '../../src/domain/lookups.js';
import { LOCALES_DIR } from '../../src/lib/paths.js';
import { CaseModel } from '../../src/models/case.js';
import { CaseChangeModel } from '../../src/models/case-change.js';
import { CaseNoteModel } from '../../src/models/case-note.js';
import { CaseTaskModel } from '../../src/models/case-task.js';
import { addConsent } from '../../src/services/cases/family.js';
import { addTask } from '../../src/services/cases/notes.js';
import { identityOf, unseal } from '../../src/services/cases/records.js';
import { testApp } from '../helpers/app.js';
import { buildCase, callerOf, caseDetails, detailsBody } from '../helpers/cases.js';
import { now } from '../helpers/clock.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';
import { plant } from '../helpers/secrets.js';
import { signIn, tokenOf, type Agent } from '../helpers/session.js';

function locale(lng: string, ns: string): Record<string, Record<string, string>> {
  return JSON.parse(readFileSync(path.join(LOCALES_DIR, lng, `${ns}.json`), 'utf8')) as Record<string, Record<string, string>>;
}
const EN = { cases: locale('en', 'cases'), common: locale('en', 'common') };
const FR = { cases: locale('fr', 'cases'), common: locale('fr', 'common') };

function today(days = 0): string {
  return new Date(now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Undoes the escaping Handlebars applies to text and attributes. */
function unescapeHtml(s: string): string {
  return s
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The form with this action, as a browser would send it untouched: values, selected options, ticked boxes. */
function untouched(html: string, action: string): Record<string, string | string[]> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action}`);
  const formHtml = html.slice(start, html.indexOf('</form>', start));
  const out: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const before = out[name];
    out[name] = before === undefined ? value : ([] as string[]).concat(before, value);
  };
  for (const m of formHtml.matchAll(/<input\b([^>]*)>/g)) {
    const attrs = m[1]!;
    const name = /\sname="([^"]*)"/.exec(attrs)?.[1];
    const type = /\stype="([^"]*)"/.exec(attrs)?.[1] ?? 'text';
    if (!name || type === 'file') continue;
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(attrs)) continue;
    add(name, unescapeHtml(/\svalue="([^"]*)"/.exec(attrs)?.[1] ?? (type === 'checkbox' ? 'on' : '')));
  }
  for (const m of formHtml.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = /\sname="([^"]*)"/.exec(m[1]!)![1]!;
    const options = [...m[2]!.matchAll(/<option value="([^"]*)"([^>]*)>/g)];
    const chosen = options.find((o) => /\sselected\b/.test(o[2]!)) ?? options[0];
    add(name, unescapeHtml(chosen?.[1] ?? ''));
  }
  for (const m of formHtml.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) add(/\sname="([^"]*)"/.exec(m[1]!)![1]!, unescapeHtml(m[2]!));
  return out;
}

/** The messages of the error summary, in the order shown, each with the field it links to. */
function summary(html: string): { href: string; text: string }[] {
  const box = /<div class="error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...box.matchAll(/<li>(?:<a href="#([^"]+)">)?([^<]*)/g)].map((m) => ({ href: m[1] ?? '', text: unescapeHtml(m[2]!) }));
}

describe('forms, confirmations and text input', () => {
  useDatabase('forms');

  let app: Express;
  before(async () => {
    app = await testApp();
  });

  async function worker(localeCode = 'en'): Promise<{ user: TestUser; agent: Agent }> {
    const org = await buildOrganisation({ country: 'PH' });
    const user = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north', locale: localeCode });
    return { user, agent: await signIn(app, user) };
  }

  async function post(agent: Agent, to: string, body: Record<string, unknown>): Promise<request.Response> {
    return agent.post(to).type('form').send({ _csrf: await tokenOf(agent), ...body });
  }

  describe('the new-case form', () => {
    it('starts risk level, how identified and source on an empty choice, and refuses it sent untouched, naming each field in the form’s order', async () => {
      const { agent } = await worker();
      const page = await agent.get('/cases/new');
      expect(page.status).to.equal(200);
      const body = untouched(page.text, '/cases');
      expect(body, 'no answer is given for the person filling in the form').to.include({ riskLevel: '', identifiedBy: '', source: '' });
      expect(body.intakeDate, 'the intake date is offered as today').to.equal(today());
      const res = await post(agent, '/cases', body);
      expect(res.status).to.equal(422);
      const named = (field: string, message: string) => `${EN.cases.fields![field]}: ${message}`;
      const required = EN.common.form!.required!;
      expect(summary(res.text)).to.deep.equal([
        { href: 'riskLevel', text: named('riskLevel', required) },
        { href: 'exploitationTypes', text: named('exploitationTypes', required) },
        { href: 'identifiedBy', text: named('identifiedBy', required) },
        { href: 'source', text: named('source', required) },
        { href: 'givenName', text: named('givenName', EN.cases.errors!.nameRequired!) },
      ]);
      // Each link lands on its field.
      for (const { href } of summary(res.text)) expect(res.text, href).to.match(new RegExp(`id="${href}"`));
      expect(await CaseModel.countDocuments({})).to.equal(0);
    });

    it('names the fields in the page’s language', async () => {
      const { agent } = await worker('fr');
      const body = untouched((await agent.get('/cases/new')).text, '/cases');
      const res = await post(agent, '/cases', { ...body, givenName: 'Testenfant' });
      expect(res.status).to.equal(422);
      const texts = summary(res.text).map((e) => e.text);
      expect(texts).to.deep.equal(['riskLevel', 'exploitationTypes', 'identifiedBy', 'source'].map((f) => `${FR.cases.fields![f]} : ${FR.common.form!.required}`));
      expect(res.text).to.not.include(EN.common.form!.required);
    });

    it('still registers a case once every required field is answered', async () => {
      const { agent } = await worker();
      const body = untouched((await agent.get('/cases/new')).text, '/cases');
      const res = await post(agent, '/cases', { ...body, riskLevel: 'low', exploitationTypes: 'other', identifiedBy: 'school', source: 'ngo', givenName: 'Testuntouched' });
      expect(res.status, res.text.slice(0, 1500)).to.equal(303);
      expect(await CaseModel.countDocuments({})).to.equal(1);
    });
  });

  it('no case form carries a native required, pattern, min or max attribute, so the server’s messages are the only ones', async () => {
    const { user, agent } = await worker();
    const id = await buildCase(user, {}, { team: 'north' });
    const caller = callerOf(user, 'north');
    await addConsent(caller, id, { purpose: 'services', organisationId: '', givenBy: 'guardian', date: today(-10), formVersion: 'F1' });
    await addTask(caller, id, { title: 'Fictional task', dueDate: today(5) });
    const consentId = String((await CaseModel.findById(id).lean())!.consents[0]!._id);
    const taskId = String((await CaseTaskModel.findOne({}).lean())!._id);
    const pages = ['/cases/new', `/cases/${id}`, `/cases/${id}/edit`, `/cases/${id}/family/new`, `/cases/${id}/assessments/new`, `/cases/${id}/consents/new`, `/cases/${id}/notes/new`, `/cases/${id}/consents/${consentId}/withdraw`, `/cases/${id}/tasks/${taskId}/done`];
    let forms = 0;
    for (const p of pages) {
      const res = await agent.get(p);
      expect(res.status, p).to.equal(200);
      const fields = [...res.text.matchAll(/<(?:input|select|textarea)\b[^>]*>/g)].map((m) => m[0]);
      forms += fields.length;
      expect(fields.filter((f) => /\s(?:required|pattern|min|max)(?:=|\s|>)/.test(f)), p).to.deep.equal([]);
    }
    expect(forms, 'the check saw the forms’ fields').to.be.above(40);
    // A required field is still marked, for people and for screen readers.
    expect((await agent.get('/cases/new')).text).to.match(/<select id="riskLevel" name="riskLevel" aria-required="true">/);
  });

  it('starts the attachment kind and the family roles on an empty choice too', async () => {
    const { user, agent } = await worker();
    const id = await buildCase(user, {}, { team: 'north' });
    expect(untouched((await agent.get(`/cases/${id}`)).text, `/cases/${id}/attachments`).kind).to.equal('');
    const family = untouched((await agent.get(`/cases/${id}/family/new`)).text, `/cases/${id}/family`);
    expect(family).to.include({ relationship: '', exploitationRole: '' });
    const res = await post(agent, `/cases/${id}/family`, { ...family, givenName: 'Testrelative' });
    expect(res.status).to.equal(422);
    expect(summary(res.text).map((e) => e.href)).to.deep.equal(['relationship', 'exploitationRole']);
  });

  describe('estimated age and date of birth', () => {
    const birth = () => today(-(12 * 365 + 40));

    it('refuses an estimated age that contradicts the date of birth, naming the field, and stores nothing', async () => {
      const { agent } = await worker();
      const res = await post(agent, '/cases', detailsBody(caseDetails({ intakeDate: today(), dateOfBirth: birth(), estimatedAge: '5' })));
      expect(res.status).to.equal(422);
      expect(summary(res.text)).to.deep.equal([{ href: 'estimatedAge', text: `${EN.cases.fields!.estimatedAge}: ${EN.cases.errors!.ageContradictsBirth}` }]);
      expect(await CaseModel.countDocuments({})).to.equal(0);
    });

    it('accepts an estimate within a year of the age the date of birth gives, and refuses the contradiction on an edit too', async () => {
      const { user, agent } = await worker();
      const ok = await post(agent, '/cases', detailsBody(caseDetails({ intakeDate: today(), dateOfBirth: birth(), estimatedAge: '13' })));
      expect(ok.status, ok.text.slice(0, 1500)).to.equal(303);
      const id = await buildCase(user, { dateOfBirth: birth(), estimatedAge: '' }, { team: 'north' });
      const edit = await post(agent, `/cases/${id}`, { ...detailsBody(caseDetails({ dateOfBirth: birth(), estimatedAge: '17' })), version: '0' });
      expect(edit.status).to.equal(422);
      expect(edit.text).to.include(EN.cases.errors!.ageContradictsBirth);
      expect(identityOf((await CaseModel.findById(id).lean())!).estimatedAge).to.equal('');
    });
  });

  describe('withdrawing a consent', () => {
    async function scene() {
      const { user, agent } = await worker();
      const id = await buildCase(user, {}, { team: 'north' });
      await addConsent(callerOf(user, 'north'), id, { purpose: 'services', organisationId: '', givenBy: 'guardian', date: today(-30), formVersion: 'Demo form v1' });
      const consentId = String((await CaseModel.findById(id).lean())!.consents[0]!._id);
      return { user, agent, id, consentId };
    }

    it('goes through a page showing the consent; a withdrawal without a reason is refused and changes nothing', async () => {
      const { agent, id, consentId } = await scene();
      const page = await agent.get(`/cases/${id}/consents/${consentId}/withdraw`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('Demo form v1');
      const form = untouched(page.text, `/cases/${id}/consents/${consentId}/withdraw`);
      expect(form).to.include({ date: today(), reason: '' });
      const version = (await CaseModel.findById(id).lean())!.__v;
      const refused = await post(agent, `/cases/${id}/consents/${consentId}/withdraw`, form);
      expect(refused.status).to.equal(422);
      expect(summary(refused.text)).to.deep.equal([{ href: 'reason', text: `${EN.cases.consentWithdraw!.reason}: ${EN.common.form!.required}` }]);
      const c = (await CaseModel.findById(id).lean())!;
      expect(c.consents[0]!.withdrawnAt).to.equal(undefined);
      expect(c.__v, 'the case was not written').to.equal(version);
    });

    it('records the date and the reason (sealed) on the consent, once', async () => {
      const { user, agent, id, consentId } = await scene();
      const reason = plant('The guardian moved away and asked to stop (fictional).');
      const date = today(-2);
      const res = await post(agent, `/cases/${id}/consents/${consentId}/withdraw`, { date, reason });
      expect(res.status, res.text.slice(0, 1500)).to.equal(303);
      expect(res.headers.location).to.equal(`/cases/${id}?done=withdrawn#consents`);
      const consent = (await CaseModel.findById(id).lean())!.consents[0]!;
      expect(consent.withdrawnAt!.toISOString()).to.equal(`${date}T00:00:00.000Z`);
      expect(String(consent.withdrawnBy)).to.equal(user.id);
      expect(consent.withdrawalReason).to.be.a('string').and.not.include('guardian');
      expect(unseal<{ reason: string }>(consent.withdrawalReason, { reason: '' }).reason).to.equal(reason);
      expect(JSON.stringify(await CaseModel.collection.findOne({}))).to.not.include(reason);
      expect(await CaseChangeModel.countDocuments({ kind: 'consent_withdraw' })).to.equal(1);
      // The page now shows what was recorded, and offers no second withdrawal.
      const after = await agent.get(`/cases/${id}/consents/${consentId}/withdraw`);
      expect(after.text).to.include(reason).and.not.include(`action="/cases/${id}/consents/${consentId}/withdraw"`);
      expect((await post(agent, `/cases/${id}/consents/${consentId}/withdraw`, { date, reason })).status).to.equal(422);
    });

    it('refuses a withdrawal dated before the consent or in the future', async () => {
      const { agent, id, consentId } = await scene();
      for (const date of [today(-31), today(2)]) {
        const res = await post(agent, `/cases/${id}/consents/${consentId}/withdraw`, { date, reason: 'Fictional reason' });
        expect(res.status, date).to.equal(422);
        expect(summary(res.text).map((e) => e.href), date).to.deep.equal(['date']);
      }
      expect((await CaseModel.findById(id).lean())!.consents[0]!.withdrawnAt).to.equal(undefined);
    });
  });

  describe('marking a task done', () => {
    it('goes through a confirmation, and can be undone from its result and from the case page', async () => {
      const { user, agent } = await worker();
      const id = await buildCase(user, {}, { team: 'north' });
      await addTask(callerOf(user, 'north'), id, { title: 'Call the fictional school', dueDate: today(3) });
      const taskId = String((await CaseTaskModel.findOne({}).lean())!._id);
      const casePage = await agent.get(`/cases/${id}`);
      expect(casePage.text, 'the case page links to the confirmation').to.include(`href="/cases/${id}/tasks/${taskId}/done"`);
      expect(casePage.text, 'and marks nothing done itself').to.not.include(`action="/cases/${id}/tasks/${taskId}/done"`);

      const confirm = await agent.get(`/cases/${id}/tasks/${taskId}/done`);
      expect(confirm.status).to.equal(200);
      expect(confirm.text).to.include('Call the fictional school').and.include(`action="/cases/${id}/tasks/${taskId}/done"`);
      expect((await CaseTaskModel.findById(taskId).lean())!.doneAt, 'looking changes nothing').to.equal(undefined);

      const done = await post(agent, `/cases/${id}/tasks/${taskId}/done`, {});
      expect(done.status).to.equal(303);
      expect(done.headers.location).to.equal(`/cases/${id}/tasks/${taskId}/done`);
      expect((await CaseTaskModel.findById(taskId).lean())!.doneAt).to.be.instanceOf(Date);
      const result = await agent.get(done.headers.location as string);
      expect(result.text).to.include(EN.cases.done!.taskDone).and.include(`action="/cases/${id}/tasks/${taskId}/reopen"`);

      const undone = await post(agent, `/cases/${id}/tasks/${taskId}/reopen`, {});
      expect(undone.status).to.equal(303);
      expect(undone.headers.location).to.equal(`/cases/${id}?done=taskReopened#tasks`);
      const reopened = (await CaseTaskModel.findById(taskId).lean())!;
      expect([reopened.doneAt, reopened.doneBy]).to.deep.equal([undefined, undefined]);
      expect((await agent.get(undone.headers.location as string)).text).to.include(EN.cases.done!.taskReopened);
      expect((await post(agent, `/cases/${id}/tasks/${taskId}/reopen`, {})).status, 'an open task has nothing to undo').to.equal(422);

      // Done again, the case page itself offers to reopen it.
      await post(agent, `/cases/${id}/tasks/${taskId}/done`, {});
      expect((await agent.get(`/cases/${id}`)).text).to.include(`action="/cases/${id}/tasks/${taskId}/reopen"`);
    });

    it('shows a refused new task again on a page of its own, with the field named', async () => {
      const { user, agent } = await worker();
      const id = await buildCase(user, {}, { team: 'north' });
      const res = await post(agent, `/cases/${id}/tasks`, { title: '', dueDate: today(3) });
      expect(res.status).to.equal(422);
      expect(summary(res.text)).to.deep.equal([{ href: 'title', text: `${EN.cases.tasks!.title}: ${EN.common.form!.required}` }]);
      expect(await CaseTaskModel.countDocuments({})).to.equal(0);
    });
  });

  describe('languages spoken', () => {
    it('names Karen (`kar`), which Intl does not, on the form and the case page, in the reader’s language', async () => {
      expect(new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' }).of('kar'), 'Intl still has no name').to.equal('kar');
      const { user, agent } = await worker();
      const form = (await agent.get('/cases/new')).text;
      expect(form).to.match(/value="kar"[^>]*> Karen</).and.match(/value="mnw"[^>]*> Mon</);
      const id = await buildCase(user, { languages: ['kar', 'ksw'] }, { team: 'north' });
      const page = await agent.get(`/cases/${id}`);
      expect(page.text).to.include('Karen').and.include('S’gaw Karen');
      const thai = await buildUser({ roles: ['caseworker'], organisationId: user.organisationId, team: 'north', locale: 'th' });
      const thaiAgent = await signIn(app, thai);
      const mine = await buildCase(thai, { languages: ['kar'] }, { team: 'north' });
      expect((await thaiAgent.get(`/cases/${mine}`)).text).to.include('กะเหรี่ยง');
    });

    it('has Haven’s own label for every language offered, in all 12 languages', () => {
      for (const lng of LOCALES) {
        const labels = locale(lng, 'lookups').spokenLanguage ?? {};
        expect(SPOKEN_LANGUAGES.filter((code) => !labels[code]?.trim()), lng).to.deep.equal([]);
      }
    });

    it('names every language offered in Cebuano, where Intl has almost none', async () => {
      const { agent } = await worker('ceb');
      const form = (await agent.get('/cases/new')).text;
      const names = [...form.matchAll(/name="languages" value="([a-z]+)"[^>]*> ([^<]+)</g)].map((m) => [m[1], m[2]!.trim()]);
      expect(names.length).to.be.above(20);
      expect(names.filter(([code, name]) => code === name), 'no bare codes').to.deep.equal([]);
    });
  });

  describe('location', () => {
    it('accepts a typed place name, sealed, and shows it on the case page; codes are offered as choices', async () => {
      const { agent } = await worker();
      const form = (await agent.get('/cases/new')).text;
      expect(form).to.include('list="location-codes"').and.match(/<datalist id="location-codes"><option value="PH">/);
      const place = plant('Pa-an riverside quarter (fictional)');
      const res = await post(agent, '/cases', detailsBody(caseDetails({ location: place })));
      expect(res.status, res.text.slice(0, 1500)).to.equal(303);
      const id = /\/cases\/([0-9a-f]{24})/.exec(String(res.headers.location))![1]!;
      const stored = (await CaseModel.findById(id).lean())!;
      expect(identityOf(stored).location).to.equal(place);
      expect(JSON.stringify(await CaseModel.collection.findOne({ _id: stored._id }))).to.not.include('riverside');
      expect((await agent.get(`/cases/${id}`)).text).to.include(place);
    });

    it('reads an area code typed in small letters as the code, and keeps a lettered place name as typed', async () => {
      const { agent } = await worker();
      for (const [typed, kept] of [['ph-07-072217', 'PH-07-072217'], ['Pa-an', 'Pa-an']]) {
        const res = await post(agent, '/cases', detailsBody(caseDetails({ location: typed! })));
        expect(res.status, typed).to.equal(303);
        const id = /\/cases\/([0-9a-f]{24})/.exec(String(res.headers.location))![1]!;
        expect(identityOf((await CaseModel.findById(id).lean())!).location, typed).to.equal(kept);
      }
    });
  });

  describe('text input', () => {
    for (const [what, character] of [['NUL', '\u0000'], ['NEL (U+0085)', '\u0085'], ['a tab', '\t'], ['DEL', '\u007F']] as const) {
      it(`refuses ${what} in a given name with a named, translated error, and stores nothing`, async () => {
        const { agent } = await worker();
        const res = await post(agent, '/cases', detailsBody(caseDetails({ givenName: `Test${character}child` })));
        expect(res.status).to.equal(422);
        expect(summary(res.text)).to.deep.equal([{ href: 'givenName', text: `${EN.cases.fields!.givenName}: ${EN.common.form!.controlCharacters}` }]);
        expect(await CaseModel.countDocuments({})).to.equal(0);
      });
    }

    it('refuses a control character sent as JSON too, in French for a French user', async () => {
      const { agent } = await worker('fr');
      const res = await agent
        .post('/cases')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ _csrf: await tokenOf(agent), ...detailsBody(caseDetails({ familyName: 'Fictional\u0000' })) }));
      expect(res.status).to.equal(422);
      expect(res.text).to.include(`${FR.cases.fields!.familyName} : ${FR.common.form!.controlCharacters}`);
      expect(await CaseModel.countDocuments({})).to.equal(0);
    });

    it('keeps tab and new line in a note (a CRLF becomes LF), and refuses other control characters there', async () => {
      const { user, agent } = await worker();
      const id = await buildCase(user, {}, { team: 'north' });
      const ok = await post(agent, `/cases/${id}/notes`, { type: 'phone', date: today(), language: 'en', text: 'First line\r\n\tindented second line\nthird' });
      expect(ok.status, ok.text.slice(0, 1500)).to.equal(303);
      const note = (await CaseNoteModel.findOne({}).lean())!;
      expect(unseal<{ text: string }>(note.secret, { text: '' }).text).to.equal('First line\n\tindented second line\nthird');
      for (const bad of ['a\u0000b', 'a\u0085b', 'a\rb', 'a\u001Bb']) {
        const res = await post(agent, `/cases/${id}/notes`, { type: 'phone', date: today(), language: 'en', text: bad });
        expect(res.status, JSON.stringify(bad)).to.equal(422);
        expect(res.text, JSON.stringify(bad)).to.include(`${EN.cases.notes!.text}: ${EN.common.form!.controlCharactersText}`);
      }
      expect(await CaseNoteModel.countDocuments({})).to.equal(1);
    });

    it('refuses control characters in the single-line fields of the other forms: family, consent, task', async () => {
      const { user, agent } = await worker();
      const id = await buildCase(user, {}, { team: 'north' });
      const family = await post(agent, `/cases/${id}/family`, { relationship: 'aunt', exploitationRole: 'none', givenName: 'Test\u0000aunt' });
      expect(family.status).to.equal(422);
      const consent = await post(agent, `/cases/${id}/consents`, { purpose: 'services', organisationId: '', givenBy: 'guardian', date: today(-1), formVersion: 'v1\u0007' });
      expect(consent.status).to.equal(422);
      const task = await post(agent, `/cases/${id}/tasks`, { title: 'Call\u0000', dueDate: today(3) });
      expect(task.status).to.equal(422);
      const c = (await CaseModel.findById(id).lean())!;
      expect([c.family.length, c.consents.length, await CaseTaskModel.countDocuments({})]).to.deep.equal([0, 0, 0]);
    });
  });
});
