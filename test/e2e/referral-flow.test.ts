/**
 * A referral to a Thai partner in Chromium, as the two people who handle it: a caseworker reading Haven
 * in English opens a case whose guardian agreed to the referral, drafts one to a Thai partner
 * organisation sharing exactly two sections (identification, contact), reads the preview as the partner
 * will (in Thai) and sends it; the partner's user, in Thai with the Buddhist era, finds it from the start
 * page, reads only what was shared, acknowledges and accepts it and writes a message in Thai; the
 * caseworker sees the referral accepted and the message marked as Thai, then revokes it, and the
 * partner's next request for it answers 404. The flow runs with JavaScript on and off, on fresh
 * organisations and a fresh case each time; every status is read on the page and in the database, and
 * every page stays clean.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { ReferralMessageModel } from '../../src/models/referral-message.js';
import { ReferralModel } from '../../src/models/referral.js';
import { addConsent, addFamilyMember } from '../../src/services/cases/family.js';
import { addNote } from '../../src/services/cases/notes.js';
import { unseal } from '../../src/services/cases/records.js';
import { expectClean, follow, pathOf, signInBrowser, submit, useBrowser, words, type WatchedPage } from '../helpers/browser.js';
import { buildCase, callerOf } from '../helpers/cases.js';
import { dayFromNow } from '../helpers/clock.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';
import { localeText as text } from '../helpers/locale-check.js';
import { MARKERS } from '../helpers/referrals.js';
import { nextCode } from '../helpers/session.js';

const TEAM = 'Demo team referrals';

describe('in Chromium: a referral to a Thai partner from the draft to its revocation', function () {
  this.timeout(180_000);
  useDatabase('e2ereferralflow');
  const browser = useBrowser();
  const base = () => browser.harness().baseUrl;

  async function go(watched: WatchedPage, path: string): Promise<void> {
    const res = await watched.page.goto(`${base()}${path}`);
    expect(res?.status(), path).to.equal(200);
  }

  /** A fact of a page's header (`dl` of `dt`/`dd` pairs), found by its label. */
  async function fact(page: Page, scope: string, label: string): Promise<string> {
    const dt = page.locator(`${scope} dt`, { hasText: label });
    expect(await dt.count(), `${label} in ${scope} on ${pathOf(page)}`).to.equal(1);
    return ((await dt.locator('xpath=following-sibling::dd[1]').textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  async function storedStatus(id: string): Promise<string> {
    return (await ReferralModel.findById(id).select({ status: 1 }).lean())!.status;
  }

  async function flow(javaScriptEnabled: boolean): Promise<void> {
    const ngo = await buildOrganisation({ country: 'PH', preferredLocale: 'en' });
    const partnerOrg = await buildOrganisation({
      kind: 'partner',
      country: 'TH',
      preferredLocale: 'th',
      services: ['counselling', 'shelter'],
      name: { en: 'Fictional Thai Partner Foundation', th: 'มูลนิธิภาคีสมมติ' },
    });
    const elsewhere = await buildOrganisation({ kind: 'partner', country: 'PH', preferredLocale: 'fil', services: ['counselling'], name: { en: 'Fictional Other Partner' } });
    const worker = await buildUser({ roles: ['caseworker'], organisationId: ngo.id, team: TEAM, locale: 'en' });
    const partner = await buildUser({ roles: ['partner'], organisationId: partnerOrg.id, locale: 'th' });
    const school = 'Fictional Riverside Learning Centre';
    const caseId = await buildCase(worker, { givenName: 'Testreferralchild', school }, { team: TEAM });
    const caller = callerOf(worker, TEAM);
    // The guardian's consent to this referral, recorded on the case; and what is not to be shared.
    await addConsent(caller, caseId, { purpose: 'referral', organisationId: partnerOrg.id, givenBy: 'guardian', date: dayFromNow(-1), formVersion: 'fictional-consent-1' });
    await addFamilyMember(caller, caseId, {
      relationship: 'aunt',
      exploitationRole: 'none',
      livesWithChild: true,
      guardian: true,
      givenName: MARKERS.family,
      familyName: 'Fictional',
      localName: '',
      age: '40',
      contact: MARKERS.location,
      protectiveFactors: 'Visits every week (fictional).',
    });
    await addNote(caller, caseId, { type: 'home_visit', date: dayFromNow(-1), language: 'en', text: MARKERS.note });

    const signedIn = async (user: TestUser, locale: string): Promise<WatchedPage> =>
      signInBrowser(await browser.newContext({ javaScriptEnabled, locale }), base(), user, () => nextCode(user));
    const request = 'Fictional request: weekly counselling for a fictional child.';
    const message = 'ข้อความสมมติ: เราพร้อมรับเด็กเข้ารับคำปรึกษาในสัปดาห์หน้า';

    // 1. The caseworker, in English: a draft to the Thai partner sharing two sections, its preview, sent.
    const cw = await signedIn(worker, 'en-GB');
    const p = cw.page;
    await go(cw, `/cases/${caseId}`);
    expect(await p.getAttribute('html', 'lang')).to.equal('en');
    await follow(p, p.locator(`#referrals a[href="/cases/${caseId}/referrals/new"]`));
    expect(pathOf(p)).to.equal(`/cases/${caseId}/referrals/new`);
    // The partner list, filtered (a GET form) to the service and the country.
    await p.selectOption('#filter-service', 'counselling');
    await p.selectOption('#filter-country', 'TH');
    await follow(p, p.locator('#partner-filter button[type=submit]'));
    const partnerChoice = p.locator(`input[name=toOrganisationId][value="${partnerOrg.id}"]`);
    expect(await partnerChoice.count(), 'the Thai partner offering counselling').to.equal(1);
    expect(await p.locator(`input[name=toOrganisationId][value="${elsewhere.id}"]`).count(), 'a partner in another country, filtered out').to.equal(0);
    await partnerChoice.check();
    await p.selectOption('#service', 'counselling');
    await p.selectOption('#urgency', 'within_2_weeks');
    await p.check('input[name=reasons][value=counselling]');
    await p.fill('#dueDate', dayFromNow(14));
    await p.fill('#note', request);
    expect(await p.inputValue('#language'), 'the note written in English').to.equal('en');
    // Identification is offered ticked; the caseworker adds contact and nothing else.
    expect(await p.isChecked('input[name=sections][value=identification]')).to.equal(true);
    await p.check('input[name=sections][value=contact]');
    for (const other of ['family', 'assessment', 'goals']) expect(await p.isChecked(`input[name=sections][value=${other}]`), other).to.equal(false);
    expect(await submit(p, p.locator(`form[action="/cases/${caseId}/referrals"] button[type=submit]`)), 'saving the draft').to.equal(303);
    const landed = /^\/referrals\/([0-9a-f]{24})\/preview$/.exec(pathOf(p));
    expect(landed, `the page after saving: ${p.url()}`).to.not.equal(null);
    const id = landed![1]!;
    expect(await words(p, 'p.notice')).to.equal(text('en', 'referrals:done.created'));
    let stored = (await ReferralModel.findById(id).lean())!;
    expect(stored.status, 'stored as a draft').to.equal('draft');
    expect([...stored.sections].sort(), 'the two sections chosen').to.deep.equal(['contact', 'identification']);
    expect(stored.locale, 'in the partner’s language').to.equal('th');

    // The preview: the page in English, the shared part in Thai as the partner will read it.
    expect(await p.getAttribute('html', 'lang')).to.equal('en');
    expect(await words(p, 'h1')).to.include(text('en', 'referrals:preview.title'));
    expect(await p.getAttribute('.referral-preview', 'lang'), 'the preview’s language').to.equal('th');
    expect(await words(p, '.referral-preview #shared-title')).to.equal(text('th', 'partner:shared.title'));
    expect(await words(p, '.referral-preview #shared-identification')).to.equal(text('th', 'referrals:sectionName.identification'));
    expect(await words(p, '.referral-preview #shared-contact')).to.equal(text('th', 'referrals:sectionName.contact'));
    expect(await p.locator('.referral-preview #shared-family, .referral-preview #shared-notes').count(), 'no unshared section previewed').to.equal(0);
    expect(await words(p, '.referral-preview')).to.include('Testreferralchild').and.include(school);
    expect(await p.getAttribute('.referral-preview .referral-text p.text', 'lang'), 'the caseworker’s note marked English').to.equal('en');
    expectClean(cw, 'the preview');

    await follow(p, p.locator(`a[href="/referrals/${id}#send"]`));
    expect(pathOf(p)).to.equal(`/referrals/${id}`);
    expect(await submit(p, p.locator(`form[action="/referrals/${id}/send"] button[type=submit]`)), 'sending').to.equal(303);
    expect(pathOf(p)).to.equal(`/referrals/${id}`);
    expect(await words(p, 'p.notice')).to.equal(text('en', 'referrals:done.sent'));
    expect(await fact(p, '#summary', text('en', 'referrals:fields.status')), 'sent, on its page').to.equal(text('en', 'referrals:status.sent'));
    stored = (await ReferralModel.findById(id).lean())!;
    expect(stored.status, 'stored as sent').to.equal('sent');
    expect(stored.consent?.override, 'sent on the recorded consent').to.equal(false);
    expectClean(cw, 'the sent referral');

    // 2. The partner, in Thai with the Buddhist era: from the start page to the new referral.
    const pt = await signedIn(partner, 'th-TH');
    const q = pt.page;
    await go(pt, '/');
    expect(await q.getAttribute('html', 'lang')).to.equal('th');
    await follow(q, q.locator('section[aria-labelledby="start-referrals"] .start-counts a').first());
    expect(pathOf(q)).to.equal('/partner/referrals');
    expect(await words(q, 'h1')).to.equal(text('th', 'partner:inbox.title'));
    expect(await q.getAttribute('a[href="/partner/referrals?filter=new"]', 'aria-current'), 'the new referrals shown').to.equal('page');
    const row = q.locator('.partner-rows li').filter({ has: q.locator(`a[href="/partner/referrals/${id}"]`) });
    expect(await row.count(), 'the referral in the inbox').to.equal(1);
    const rowText = ((await row.textContent()) ?? '').replace(/\s+/g, ' ');
    expect(rowText).to.include(text('th', 'referrals:status.sent')).and.include(text('th', 'lookups:serviceType.counselling')).and.include(text('th', 'referrals:urgency.within_2_weeks'));
    const buddhistYear = String(stored.dueDate.getUTCFullYear() + 543);
    const gregorianYear = String(stored.dueDate.getUTCFullYear());
    expect(await row.locator('time').textContent(), 'the due date in the Buddhist era').to.include(buddhistYear).and.not.include(gregorianYear);
    expectClean(pt, 'the inbox');

    await follow(q, row.locator(`a[href="/partner/referrals/${id}"]`));
    expect(pathOf(q)).to.equal(`/partner/referrals/${id}`);
    expect(await fact(q, '#summary', text('th', 'partner:fields.status'))).to.equal(text('th', 'referrals:status.sent'));
    expect(await fact(q, '#summary', text('th', 'partner:fields.dueDate')), 'the due date in the Buddhist era').to.include(buddhistYear).and.not.include(gregorianYear);
    expect(await words(q, '#shared-title')).to.equal(text('th', 'partner:shared.title'));
    expect(await words(q, '#shared-identification')).to.equal(text('th', 'referrals:sectionName.identification'));
    expect(await words(q, '#shared-contact')).to.equal(text('th', 'referrals:sectionName.contact'));
    expect(await words(q, '#shared')).to.include('Testreferralchild').and.include(school);
    expect(await q.locator('#shared-family, #shared-assessment, #shared-goals, #shared-notes, #shared-attachments').count(), 'only the two sections shared').to.equal(0);
    const partnerPage = (await q.content()) ?? '';
    expect(partnerPage).to.not.include(text('th', 'referrals:sectionName.family'));
    for (const marker of Object.values(MARKERS)) expect(partnerPage, 'what was not shared').to.not.include(marker);

    /** Takes one of the partner's moves through its form, and reads the new state on the page and in the database. */
    const move = async (name: 'acknowledge' | 'accept', status: string): Promise<void> => {
      const form = q.locator('form.partner-move').filter({ has: q.locator(`input[name=move][value="${name}"]`) });
      expect(await form.count(), `the form to ${name}`).to.equal(1);
      expect(await submit(q, form.locator('button[type=submit]')), name).to.equal(303);
      expect(pathOf(q)).to.equal(`/partner/referrals/${id}`);
      expect(await words(q, 'p.notice')).to.equal(text('th', `partner:done.${name}`));
      expect(await fact(q, '#summary', text('th', 'partner:fields.status')), `${status} on the page`).to.equal(text('th', `referrals:status.${status}`));
      expect(await storedStatus(id), `stored as ${status}`).to.equal(status);
    };
    await move('acknowledge', 'acknowledged');
    await move('accept', 'accepted');
    expect(await q.locator('form.partner-move').filter({ has: q.locator('input[name=move][value=accept]') }).count(), 'no second acceptance').to.equal(0);

    expect(await q.inputValue('#message-language'), 'a message offered in Thai').to.equal('th');
    await q.fill('#message-text', message);
    expect(await submit(q, q.locator(`form[action="/partner/referrals/${id}/messages"] button[type=submit]`)), 'posting the message').to.equal(303);
    expect(pathOf(q)).to.equal(`/partner/referrals/${id}`);
    expect(await words(q, 'p.notice')).to.equal(text('th', 'partner:done.message'));
    expect(await words(q, '#thread .referral-message-partner p.text')).to.equal(message);
    const messages = await ReferralMessageModel.find({ referralId: id }).lean();
    expect(messages.map((m) => [m.side, m.language]), 'the message stored, in Thai').to.deep.equal([['partner', 'th']]);
    expect(unseal<{ text: string }>(messages[0]!.secret, { text: '' }).text).to.equal(message);
    expect(messages[0]!.secret, 'sealed').to.not.include(message);
    expectClean(pt, 'the accepted referral and its message');

    // 3. The caseworker, in English: accepted, and the partner's message marked as Thai.
    await go(cw, `/referrals/${id}`);
    expect(await fact(p, '#summary', text('en', 'referrals:fields.status')), 'accepted, in English').to.equal(text('en', 'referrals:status.accepted'));
    const steps = await words(p, '#steps');
    for (const s of ['sent', 'acknowledged', 'accepted']) expect(steps, `the ${s} step`).to.include(text('en', `referrals:status.${s}`));
    const received = p.locator('#thread .referral-message-partner p.text');
    expect(await received.count(), 'the partner’s message').to.equal(1);
    expect(((await received.textContent()) ?? '').trim()).to.equal(message);
    expect(await received.getAttribute('lang'), 'marked as Thai').to.equal('th');
    expectClean(cw, 'the accepted referral');

    // 4. The caseworker revokes it.
    await p.fill('#revoke-note', 'Fictional: the child moved to another province.');
    expect(await submit(p, p.locator(`form[action="/referrals/${id}/revoke"] button[type=submit]`)), 'revoking').to.equal(303);
    expect(pathOf(p)).to.equal(`/referrals/${id}`);
    expect(await words(p, 'p.notice')).to.equal(text('en', 'referrals:done.revoked'));
    expect(await fact(p, '#summary', text('en', 'referrals:fields.status'))).to.equal(text('en', 'referrals:status.revoked'));
    expect(await p.locator(`form[action="/referrals/${id}/revoke"]`).count(), 'nothing more to revoke').to.equal(0);
    expect(await storedStatus(id), 'stored as revoked').to.equal('revoked');
    expectClean(cw, 'the revoked referral');

    // 5. The partner's next request for the referral: 404, and the inbox no longer lists it.
    expectClean(pt, 'the partner’s last page before the revocation');
    const failedLoads: string[] = [];
    const onResponse = (r: { status(): number; url(): string }) => {
      if (r.status() >= 400) failedLoads.push(`${r.status()} ${new URL(r.url()).pathname}`);
    };
    q.on('response', onResponse);
    const gone = await q.goto(`${base()}/partner/referrals/${id}`);
    q.off('response', onResponse);
    expect(gone?.status(), 'the revoked referral to the partner').to.equal(404);
    expect(failedLoads, 'nothing else refused on the way (styles, fonts, icon)').to.deep.equal([`404 /partner/referrals/${id}`]);
    expect(await q.getAttribute('html', 'lang'), 'the refusal in Thai').to.equal('th');
    const refusal = await q.content();
    expect(refusal).to.not.include('Testreferralchild').and.not.include(school).and.not.include(message).and.not.include(stored.reference);
    // Chromium reports on the console the 404 it was served; that line, for that page, is expected and nothing else.
    expect(pt.problems.every((m) => /status of 404/.test(m)), `only the 404 on the console: ${JSON.stringify(pt.problems)}`).to.equal(true);
    expect(pt.problems, 'at most one console line for it').to.have.length.at.most(1);
    pt.problems.length = 0;
    await go(pt, '/partner/referrals?filter=open');
    expect(await q.locator(`a[href="/partner/referrals/${id}"]`).count(), 'not in the inbox').to.equal(0);
    expectClean(pt, 'the revoked referral, to the partner');
  }

  for (const javaScriptEnabled of [true, false]) {
    it(`takes a referral from an English caseworker to a Thai partner and back, until it is revoked (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      await flow(javaScriptEnabled);
    });
  }
});
