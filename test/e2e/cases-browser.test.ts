import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { CaseModel } from '../../src/models/case.js';
import { CaseChangeModel } from '../../src/models/case-change.js';
import { CaseNoteModel } from '../../src/models/case-note.js';
import { uploadAttachment } from '../../src/services/cases/attachments.js';
import { addConsent, addFamilyMember, memberOf, updateFamilyMember, type FamilyMemberInput } from '../../src/services/cases/family.js';
import { recordAssessment } from '../../src/services/care/assessments.js';
import { addNote, addTask } from '../../src/services/cases/notes.js';
import { detailsOf, unseal, type CaseDetails, type LeanCase } from '../../src/services/cases/records.js';
import { updateCase } from '../../src/services/cases/cases.js';
import { expectClean, follow, pathOf, submit, useBrowser, watchedPage, type WatchedPage } from '../helpers/browser.js';
import { buildCase, callerOf } from '../helpers/cases.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';
import { localeText } from '../helpers/locale-check.js';
import { plant } from '../helpers/secrets.js';
import { nextCode } from '../helpers/session.js';

const text = localeText;

/** Opens a folded section of the case page by its summary, as a reader would (no script needed). */
async function openSection(page: Page, id: string): Promise<void> {
  if ((await page.getAttribute(`#${id}`, 'open')) === null) await page.locator(`#${id} > summary`).click();
}

async function latest(id: string): Promise<LeanCase> {
  const found = (await CaseModel.findById(id).lean()) as LeanCase | null;
  if (!found) throw new Error(`case ${id} is not in the database`);
  return found;
}

describe('in Chromium: case records (issue 4)', function () {
  this.timeout(60_000);
  useDatabase('e2ecases');
  const browser = useBrowser();
  const newContext = browser.newContext;

  /** A watched page in the context, signed in as the user with the password and a fresh TOTP code. */
  async function signedIn(context: BrowserContext, user: TestUser): Promise<WatchedPage> {
    const watched = await watchedPage(context);
    const { page } = watched;
    await page.goto(`${browser.harness().baseUrl}/login`);
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await follow(page, page.locator('form[action="/login"] button[type=submit]'));
    expect(pathOf(page), 'after the password').to.equal('/mfa');
    await page.fill('#code', await nextCode(user));
    await follow(page, page.locator('form[action="/mfa"] button[type=submit]'));
    expect(pathOf(page), 'after the code').to.equal('/');
    expect(await page.locator('form[action="/logout"]').count(), 'signed in').to.equal(1);
    expectClean(watched, 'signing in');
    return watched;
  }

  it('In Chromium, a caseworker registers a case, adds a family member, a consent and a note in Thai UI, without JavaScript enabled', async () => {
    const org = await buildOrganisation({ country: 'TH', preferredLocale: 'th' });
    const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'Demo team north', locale: 'th' });
    const context = await newContext({ javaScriptEnabled: false, locale: 'th-TH' });
    const watched = await signedIn(context, worker);
    const { page } = watched;
    expect(await page.getAttribute('html', 'lang'), 'the home page').to.equal('th');

    const child = {
      givenName: plant('Testchild Somchai'),
      familyName: plant('Fictionalkhun'),
      givenNameLocal: plant('ทดสอบสมชาย'),
      familyNameLocal: plant('สมมติสกุล'),
      nickname: plant('Demo nick'),
      school: plant('Fictional Demo School'),
    };

    // 1. Registration.
    await page.goto(`${browser.harness().baseUrl}/cases/new`);
    expect(pathOf(page)).to.equal('/cases/new');
    expect(await page.getAttribute('html', 'lang'), '/cases/new').to.equal('th');
    await page.selectOption('#riskLevel', 'high');
    await page.check('input[name=exploitationTypes][value=online_grooming]');
    await page.fill('#intakeDate', '2025-10-06');
    await page.selectOption('#identifiedBy', 'ngo_outreach');
    await page.selectOption('#source', 'ngo');
    for (const [field, value] of Object.entries(child)) await page.fill(`#${field}`, value);
    await page.selectOption('#sex', 'female');
    await page.fill('#dateOfBirth', '2015-04-03');
    await page.selectOption('#nationality', 'TH');
    await page.check('input[name=languages][value=th]');
    await page.selectOption('#disability', 'none');
    await page.selectOption('#placement', 'kinship');
    await page.fill('#location', 'TH-10');
    const register = page.locator('form[action="/cases"] button[type=submit]');
    expect((await register.textContent())?.trim()).to.equal(text('th', 'cases:new.submit'));
    expect(await submit(page, register), 'registering').to.equal(303);
    const landed = /^\/cases\/([0-9a-f]{24})$/.exec(pathOf(page));
    expect(landed, `the page after registering: ${page.url()}`).to.not.equal(null);
    const id = landed![1]!;
    expect(await page.getAttribute('html', 'lang'), 'the case page').to.equal('th');
    expectClean(watched, 'the new case');

    // 2. A family member, through the case page's own link.
    await openSection(page, 'family');
    const addMember = page.locator(`a[href="/cases/${id}/family/new"]`);
    expect((await addMember.textContent())?.trim()).to.equal(text('th', 'cases:family.add'));
    await follow(page, addMember);
    expect(pathOf(page)).to.equal(`/cases/${id}/family/new`);
    const member = {
      givenName: plant('Demogran'),
      familyName: plant('Fictionalyai'),
      localName: plant('ยายทดสอบ'),
      age: '67',
      contact: plant('Demo contact 0000-fictional'),
      protectiveFactors: plant('ดูแลหลานทุกวัน (fictional)'),
    };
    await page.selectOption('#relationship', 'grandmother');
    for (const [field, value] of Object.entries(member)) await page.fill(`#${field}`, value);
    await page.check('input[name=livesWithChild]');
    await page.check('input[name=guardian]');
    await page.selectOption('#exploitationRole', 'none');
    expect(await submit(page, page.locator(`form[action="/cases/${id}/family"] button[type=submit]`)), 'adding the family member').to.equal(303);
    expect(pathOf(page)).to.equal(`/cases/${id}`);

    // 3. A consent.
    await openSection(page, 'consents');
    const addConsentLink = page.locator(`a[href="/cases/${id}/consents/new"]`);
    expect((await addConsentLink.textContent())?.trim()).to.equal(text('th', 'cases:consent.add'));
    await follow(page, addConsentLink);
    expect(pathOf(page)).to.equal(`/cases/${id}/consents/new`);
    await page.selectOption('#purpose', 'services');
    await page.selectOption('#givenBy', 'guardian');
    await page.fill('#date', '2025-10-07');
    await page.fill('#formVersion', 'DEMO-FORM-v3');
    expect(await submit(page, page.locator(`form[action="/cases/${id}/consents"] button[type=submit]`)), 'recording the consent').to.equal(303);
    expect(pathOf(page)).to.equal(`/cases/${id}`);

    // 4. A note.
    await openSection(page, 'notes');
    const addNoteLink = page.locator(`a[href="/cases/${id}/notes/new"]`);
    expect((await addNoteLink.textContent())?.trim()).to.equal(text('th', 'cases:notes.add'));
    await follow(page, addNoteLink);
    expect(pathOf(page)).to.equal(`/cases/${id}/notes/new`);
    expect(await page.inputValue('#language'), 'the note language offered first').to.equal('th');
    const noteText = plant('เยี่ยมบ้าน เด็กปลอดภัยดี (fictional note)');
    await page.selectOption('#type', 'home_visit');
    await page.fill('#date', '2025-10-08');
    await page.fill('#text', noteText);
    expect(await submit(page, page.locator(`form[action="/cases/${id}/notes"] button[type=submit]`)), 'adding the note').to.equal(303);
    expect(pathOf(page)).to.equal(`/cases/${id}`);

    // 5. The case page shows all of it, in Thai.
    expect(await page.getAttribute('html', 'lang')).to.equal('th');
    const childSection = (await page.textContent('#child')) ?? '';
    for (const value of Object.values(child)) expect(childSection).to.include(value);
    expect(childSection).to.include('TH-10');
    const familySection = (await page.textContent('#family')) ?? '';
    for (const value of Object.values(member)) expect(familySection).to.include(value);
    expect(await page.locator('#family article.item').count()).to.equal(1);
    expect(await page.textContent('#consents')).to.include('DEMO-FORM-v3');
    expect(await page.locator(`#consents a[href^="/cases/${id}/consents/"][href$="/withdraw"]`).count(), 'one consent to withdraw').to.equal(1);
    expect(await page.locator('#notes article.item').count()).to.equal(1);
    expect(await page.textContent('#notes p.text[lang=th]')).to.equal(noteText);
    expectClean(watched, 'the case page with family, consent and note');

    // 6. The database holds exactly that.
    expect(await CaseModel.countDocuments({})).to.equal(1);
    const stored = await latest(id);
    expect(stored.caseworkerIds.map(String)).to.deep.equal([worker.id]);
    const details = detailsOf(stored);
    expect(details).to.deep.include({
      ...child,
      riskLevel: 'high',
      intakeDate: '2025-10-06',
      identifiedBy: 'ngo_outreach',
      source: 'ngo',
      sex: 'female',
      dateOfBirth: '2015-04-03',
      nationality: 'TH',
      disability: 'none',
      placement: 'kinship',
      location: 'TH-10',
    });
    expect(details.exploitationTypes).to.deep.equal(['online_grooming']);
    expect(details.languages).to.deep.equal(['th']);
    expect(stored.family).to.have.length(1);
    expect(memberOf(stored.family[0]!)).to.deep.include({ ...member, relationship: 'grandmother', exploitationRole: 'none', livesWithChild: true, guardian: true });
    expect(stored.consents).to.have.length(1);
    expect(stored.consents[0]).to.deep.include({ purpose: 'services', givenBy: 'guardian', formVersion: 'DEMO-FORM-v3' });
    expect(stored.consents[0]!.date.toISOString().slice(0, 10)).to.equal('2025-10-07');
    const notes = await CaseNoteModel.find({}).lean();
    expect(notes).to.have.length(1);
    expect(String(notes[0]!.caseId)).to.equal(id);
    expect(notes[0]).to.deep.include({ type: 'home_visit', language: 'th' });
    expect(notes[0]!.date.toISOString().slice(0, 10)).to.equal('2025-10-08');
    expect(unseal<{ text: string }>(notes[0]!.secret, { text: '' }).text).to.equal(noteText);
  });

  it('In Chromium, a stored XSS payload in every free-text field of a case shows as text on the case, edit, family, assessment, history and list pages, with no script run, no CSP violation and no console error (SECURITY.md O2)', async () => {
    const team = 'Demo team xss';
    const org = await buildOrganisation();
    const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team });
    const supervisor = await buildUser({ roles: ['supervisor'], organisationId: org.id, team });
    const caller = callerOf(worker, team);

    /** Markup that would set window.__xss if it ever ran, after a tag naming the field. */
    const long = (tag: string) => `${tag} <script>window.__xss=1</script><img src=x onerror="window.__xss=2">"'&`;
    /** For fields of 40 to 60 characters. */
    const short = (tag: string) => `${tag}<img src=x onerror=window.__xss=3>`;
    const childText = (round: string) => ({
      givenName: long(`${round}-gn`),
      familyName: long(`${round}-fn`),
      givenNameLocal: long(`${round}-gnl`),
      familyNameLocal: long(`${round}-fnl`),
      nickname: short(`${round}-nick`),
      school: long(`${round}-school`),
    });
    const memberText = (round: string): FamilyMemberInput => ({
      relationship: 'aunt',
      exploitationRole: 'suspected',
      livesWithChild: false,
      guardian: false,
      givenName: long(`${round}-mgn`),
      familyName: long(`${round}-mfn`),
      localName: long(`${round}-mln`),
      age: '41',
      contact: long(`${round}-contact`),
      protectiveFactors: long(`${round}-protective`),
    });
    const first = childText('a');
    const second = childText('b');
    const memberFirst = memberText('a');
    const memberSecond = memberText('b');
    const textFields = ['givenName', 'familyName', 'localName', 'contact', 'protectiveFactors'] as const;
    const assessmentFirst = long('a-assessment');
    const assessmentSecond = long('b-assessment');
    const formVersion = short('fv');
    const noteText = long('note');
    const taskTitle = long('task');
    // A file name loses folders and quotes on upload, so this one has neither.
    const fileName = 'file<img src=x onerror=window.__xss=4>.png';

    // The case as stored: every free-text field set twice, so that history holds the earlier values.
    const id = await buildCase(worker, first, { team });
    await updateCase(caller, id, (await latest(id)).__v ?? 0, { ...detailsOf(await latest(id)), ...second } as CaseDetails);
    await addFamilyMember(caller, id, memberFirst);
    const memberId = String((await latest(id)).family[0]!._id);
    await updateFamilyMember(caller, id, memberId, (await latest(id)).__v ?? 0, memberSecond);
    const firstAssessment = await recordAssessment(caller, id, { type: 'initial_risk', date: '2026-03-05', language: 'en', scores: { family: 2 }, notes: { family: assessmentFirst }, overall: assessmentFirst });
    const secondAssessment = await recordAssessment(caller, id, { type: 'wellbeing', date: '2026-04-05', language: 'en', scores: { family: 4 }, notes: { family: assessmentSecond }, overall: assessmentSecond });
    await addConsent(caller, id, { purpose: 'services', organisationId: '', givenBy: 'child_assent', date: '2025-09-01', formVersion });
    await addNote(caller, id, { type: 'counselling', date: '2025-09-02', language: 'en', text: noteText });
    await addTask(caller, id, { title: taskTitle, dueDate: '2025-09-03' });
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } }).png().toBuffer();
    await uploadAttachment(caller, id, { kind: 'photo', name: fileName, data: png });

    const memberShown = (m: FamilyMemberInput) => textFields.map((f) => m[f]);
    const pages: { who: 'worker' | 'supervisor'; path: string; shown: string[] }[] = [
      {
        who: 'worker',
        path: `/cases/${id}`,
        shown: [...Object.values(second), ...memberShown(memberSecond), formVersion, noteText, taskTitle, fileName],
      },
      { who: 'worker', path: `/cases/${id}/edit`, shown: Object.values(second) },
      { who: 'worker', path: `/cases/${id}/family/${memberId}`, shown: memberShown(memberSecond) },
      { who: 'worker', path: `/cases/${id}/assessments/${firstAssessment}`, shown: [assessmentFirst] },
      { who: 'supervisor', path: `/cases/${id}/assessments/${secondAssessment}`, shown: [assessmentSecond] },
      { who: 'worker', path: '/cases', shown: [second.givenName, second.familyName] },
      { who: 'supervisor', path: `/cases/${id}/history`, shown: [...Object.values(first), ...memberShown(memberFirst)] },
      { who: 'supervisor', path: `/cases/${id}`, shown: [...Object.values(second), ...memberShown(memberSecond), formVersion, noteText, taskTitle, fileName] },
    ];

    const browsers = {
      worker: await signedIn(await newContext(), worker),
      supervisor: await signedIn(await newContext(), supervisor),
    };
    for (const { who, path: where, shown } of pages) {
      const watched = browsers[who];
      const { page } = watched;
      const response = await page.goto(`${browser.harness().baseUrl}${where}`);
      expect(response?.status(), where).to.equal(200);
      const html = (await response?.text()) ?? '';
      expect(html, `${where}: markup sent as markup`).to.not.include('<script>window.__xss').and.not.include('<img src=x');
      expect(html, `${where}: markup sent escaped`).to.include('&lt;img src');
      // Folded sections of the case page are opened first, so their text counts as shown.
      const folded = page.locator('main details:not([open]) > summary');
      while ((await folded.count()) > 0) await folded.first().click();
      const seen = await page.evaluate(() => ({
        xss: (window as unknown as { __xss?: unknown }).__xss,
        text: document.body.innerText,
        values: Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')).map((e) => e.value),
        handlers: document.querySelectorAll('[onerror], [onload], img[src="x"]').length,
        scripts: Array.from(document.scripts).filter((s) => s.text.includes('__xss')).length,
      }));
      expect(seen.xss, `${where}: window.__xss`).to.equal(undefined);
      expect(seen.handlers, `${where}: elements with inline handlers`).to.equal(0);
      expect(seen.scripts, `${where}: injected scripts`).to.equal(0);
      const visible = [seen.text, ...seen.values].join('\n');
      for (const value of shown) expect(visible, `${where} shows ${value.slice(0, 14)}… as text`).to.include(value);
      expectClean(watched, `${where} as the ${who}`);
    }
  });

  it('Two browser contexts edit the same case: the second save is told, nothing is lost', async () => {
    const team = 'Demo team concurrency';
    const org = await buildOrganisation();
    const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team });
    const id = await buildCase(worker, { givenName: plant('Testchild Original'), school: plant('Fictional Original School') }, { team });
    const one = await signedIn(await newContext(), worker);
    const two = await signedIn(await newContext(), worker);
    const editUrl = `${browser.harness().baseUrl}/cases/${id}/edit`;
    const save = (page: Page) => page.locator(`form[action="/cases/${id}"] button[type=submit]`);
    const openBoth = async () => {
      for (const { page } of [one, two]) expect((await page.goto(editUrl))?.status()).to.equal(200);
      return Number(await two.page.inputValue('input[name=version]'));
    };

    // 1. Both open the form; the first saves a new given name.
    const read = await openBoth();
    await one.page.fill('#givenName', plant('Testchild FirstSave'));
    expect(await submit(one.page, save(one.page)), 'the first save').to.equal(303);
    expect(pathOf(one.page)).to.equal(`/cases/${id}`);
    expectClean(one, 'the first save');

    // 2. The second, from the older version, changes the school and the given name: it is told.
    const typedName = plant('Testchild SecondSave');
    const typedSchool = plant('Fictional Second School');
    await two.page.fill('#school', typedSchool);
    await two.page.fill('#givenName', typedName);
    expect(await submit(two.page, save(two.page)), 'the second save').to.equal(409);
    expect(await two.page.locator('#conflict').count(), 'the conflict banner').to.equal(1);
    expect(await two.page.locator('#conflict li').count(), 'the changes made meanwhile').to.equal(1);
    expect(await two.page.inputValue('#givenName'), 'what was typed, kept').to.equal(typedName);
    expect(await two.page.inputValue('#school'), 'what was typed, kept').to.equal(typedSchool);
    expect(Number(await two.page.inputValue('input[name=version]')), 'the form now names the current version').to.equal(read + 1);
    expect(detailsOf(await latest(id)), 'nothing written by the refused save').to.deep.include({ givenName: 'Testchild FirstSave', school: 'Fictional Original School' });
    // Chromium reports any 4xx page as a failed load; the 409 is the answer expected here.
    expect(two.problems.filter((p) => p !== 'Failed to load resource: the server responded with a status of 409 (Conflict)'), 'problems on the conflict page').to.deep.equal([]);
    two.problems.length = 0;

    // 3. Saving again from the conflict page goes through, and history keeps both changes.
    expect(await submit(two.page, save(two.page)), 'saving again after reading the changes').to.equal(303);
    expect(pathOf(two.page)).to.equal(`/cases/${id}`);
    expectClean(two, 'the second save, again');
    expect(detailsOf(await latest(id))).to.deep.include({ givenName: typedName, school: typedSchool });
    const updates = await CaseChangeModel.find({ caseId: (await latest(id))._id, kind: 'update' }).sort({ version: 1 }).lean();
    expect(updates.map((u) => [...u.fields].sort()), 'the changes in history').to.deep.equal([['givenName'], ['givenName', 'school']]);
    expect(updates.map((u) => String(u.userId))).to.deep.equal([worker.id, worker.id]);
    expect(unseal<Record<string, unknown>>(updates[0]!.previous, {})).to.deep.equal({ givenName: 'Testchild Original' });
    expect(unseal<Record<string, unknown>>(updates[1]!.previous, {})).to.deep.equal({ givenName: 'Testchild FirstSave', school: 'Fictional Original School' });

    // 4. A change outside the details form meanwhile (a family member) does not stop a details save.
    const stale = await openBoth();
    await one.page.goto(`${browser.harness().baseUrl}/cases/${id}/family/new`);
    await one.page.selectOption('#relationship', 'sibling');
    await one.page.fill('#givenName', plant('Demosibling'));
    await one.page.selectOption('#exploitationRole', 'none');
    expect(await submit(one.page, one.page.locator(`form[action="/cases/${id}/family"] button[type=submit]`)), 'adding a family member meanwhile').to.equal(303);
    expect((await latest(id)).__v, 'the case moved on since the second form was read').to.be.greaterThan(stale);
    const mergedSchool = plant('Fictional Merged School');
    await two.page.fill('#school', mergedSchool);
    expect(await submit(two.page, save(two.page)), 'a details save after a family change').to.equal(303);
    expect(await two.page.locator('#conflict').count()).to.equal(0);
    const merged = await latest(id);
    expect(detailsOf(merged)).to.deep.include({ givenName: typedName, school: mergedSchool });
    expect(merged.family.map((m) => memberOf(m).givenName)).to.deep.equal(['Demosibling']);

    // 5. The details form sends every field, so a save that changed only the school is still told when
    //    the given name changed meanwhile: merging it would write back the given name it was read with.
    await openBoth();
    await one.page.fill('#givenName', plant('Testchild ThirdSave'));
    expect(await submit(one.page, save(one.page)), 'a given-name save').to.equal(303);
    await two.page.fill('#school', plant('Fictional Late School'));
    expect(await submit(two.page, save(two.page)), 'a school-only save from before it').to.equal(409);
    expect(await two.page.locator('#conflict').count()).to.equal(1);
    expect(detailsOf(await latest(id))).to.deep.include({ givenName: 'Testchild ThirdSave', school: mergedSchool });
    expectClean(one, 'the saves of the first context');
  });
});
