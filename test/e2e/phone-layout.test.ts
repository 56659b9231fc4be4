/**
 * The case flow on a phone: Chromium at 360 x 640 CSS pixels, the narrow end of the phones caseworkers
 * in the region carry. On the case list the first case (a card) is on screen without scrolling, and no
 * page of the flow scrolls sideways, in English and in Thai, with the long unbroken words real records
 * hold (a family name written without spaces, a school's long name, a pasted link in a note).
 */
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { addConsent, addFamilyMember } from '../../src/services/cases/family.js';
import { addNote, addTask } from '../../src/services/cases/notes.js';
import { recordAssessment } from '../../src/services/care/assessments.js';
import { expectClean, pathOf, signInBrowser, type WatchedPage, useBrowser, watchedPage } from '../helpers/browser.js';
import { buildCase, callerOf } from '../helpers/cases.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';
import { nextCode } from '../helpers/session.js';

const PHONE = { width: 360, height: 640 };

interface Fit {
  path: string;
  scrollWidth: number;
  innerWidth: number;
  /** The elements reaching past the right edge of the viewport, to name in a failure. */
  wide: string[];
}

async function fit(page: Page): Promise<Fit> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5 && getComputedStyle(el).position !== 'absolute')
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} right=${Math.round(el.getBoundingClientRect().right)}`);
    return { path: location.pathname, scrollWidth: document.documentElement.scrollWidth, innerWidth, wide };
  });
}

describe('in Chromium at 360 px: the case flow on a phone', function () {
  this.timeout(90_000);
  useDatabase('e2ephone');
  const browser = useBrowser();

  const signedIn = (context: BrowserContext, user: TestUser): Promise<WatchedPage> => signInBrowser(context, browser.harness().baseUrl, user, () => nextCode(user));

  /** A supervisor of the team (who may use every page of the flow) and a case full of long words. */
  async function scene(locale: string): Promise<{ user: TestUser; caseId: string }> {
    const org = await buildOrganisation({ country: 'TH', preferredLocale: locale });
    const user = await buildUser({ roles: ['supervisor'], organisationId: org.id, team: 'north', locale });
    const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north' });
    const details = {
      givenName: 'Testchildwithaverylonggivennamewithoutanyspaces',
      familyName: 'Fictionalfamilynamewrittenwithoutanyspacesatallxyz',
      givenNameLocal: 'ทดสอบชื่อยาวมากที่เขียนติดกันโดยไม่มีช่องว่างเลย',
      familyNameLocal: 'สมมติสกุลยาวมากที่เขียนติดกันโดยไม่มีช่องว่าง',
      nickname: 'Demonick',
      school: 'Fictional-Demo-International-Community-School-of-the-Northern-Provinces',
      nationality: 'TH',
      languages: ['th'],
    };
    let caseId = '';
    for (let i = 0; i < 2; i++) caseId = await buildCase(user, details, { team: 'north', assignment: { caseworkerIds: [worker.id] } });
    const caller = callerOf(user, 'north');
    await addFamilyMember(caller, caseId, {
      relationship: 'aunt',
      exploitationRole: 'none',
      livesWithChild: true,
      guardian: true,
      givenName: 'Testauntwithaverylongnamewithoutspaces',
      familyName: 'Fictional',
      localName: 'ป้าทดสอบชื่อยาวมากที่เขียนติดกัน',
      age: '44',
      contact: 'fictional.contact.address.that.is.very.long@example.invalid',
      protectiveFactors: 'Visits every week (fictional).',
    });
    await addConsent(caller, caseId, { purpose: 'services', organisationId: '', givenBy: 'guardian', date: '2026-01-05', formVersion: 'DEMO-CONSENT-FORM-VERSION-2026-LONG' });
    await addNote(caller, caseId, { type: 'home_visit', date: '2026-01-06', language: 'en', text: 'Fictional note with a pasted link https://example.invalid/a/very/long/path/that/never/breaks/by/itself?with=parameters&and=more' });
    await addTask(caller, caseId, { title: 'Fictional task with a longwordthatdoesnotbreakbyitselfanywhereatall', dueDate: '2026-12-01' });
    // Two assessments, so the case page has its list and a chart of every domain.
    const scores = { safety: 2, health: 3, mental_health: 2, education: 1, family: 2, livelihood: 1, legal: 3 } as const;
    await recordAssessment(caller, caseId, { type: 'initial_risk', date: '2026-06-01', language: 'en', scores, notes: { family: 'Fictional note with a longwordthatdoesnotbreakbyitselfanywhereatall' }, overall: '' });
    await recordAssessment(caller, caseId, { type: 'wellbeing', date: '2026-10-01', language: 'en', scores: { ...scores, safety: 4, education: 3 }, notes: {}, overall: '' });
    // The newest case, the list's first card, as most cases are: a name, a next visit.
    const first = await buildCase(user, { givenName: 'Testmaria', familyName: 'Fictional-Soriano', givenNameLocal: 'ทดสอบ', familyNameLocal: 'สมมติ', nationality: 'TH', languages: ['th'] }, { team: 'north', assignment: { caseworkerIds: [worker.id] } });
    await addTask(caller, first, { title: 'Home visit (fictional)', dueDate: '2026-12-01' });
    return { user, caseId };
  }

  for (const locale of ['en', 'th']) {
    it(`shows the first case card without scrolling and no page scrolls sideways (${locale})`, async () => {
      const { user, caseId } = await scene(locale);
      // Without JavaScript: the folding controls are <details>, which need none.
      const context = await browser.newContext({ viewport: PHONE, locale: locale === 'th' ? 'th-TH' : 'en-GB', javaScriptEnabled: false });
      const watched = await signedIn(context, user);
      const { page } = watched;

      await page.goto(`${browser.harness().baseUrl}/cases`);
      expect(await page.getAttribute('html', 'lang')).to.equal(locale);
      const card = page.locator('table.case-table tbody tr').first();
      const box = await card.boundingBox();
      expect(box, 'the first case card').to.not.equal(null);
      expect(box!.y, 'the card starts on screen').to.be.at.least(0);
      expect(box!.y + box!.height, `the first card ends within the ${PHONE.height} px screen`).to.be.at.most(PHONE.height);
      expect(await card.locator('a[href^="/cases/"]').isVisible(), 'its case number links to the case').to.equal(true);
      // A card, not a table row: the number and the risk badge share its first line, and it is as wide as the list.
      expect(box!.width).to.be.greaterThan(PHONE.width - 60);
      expect(await page.locator('details.list-filters').evaluate((d) => (d as HTMLDetailsElement).open), 'the filters are folded away').to.equal(false);
      const menu = page.locator('details.language-menu');
      expect(await menu.evaluate((d) => (d as HTMLDetailsElement).open), 'the language menu is folded').to.equal(false);
      const menuBox = (await menu.boundingBox())!;
      expect(menuBox.height, 'the language menu is one line').to.be.below(48);
      // A case number never breaks across lines.
      const number = card.locator('td').first();
      const lineHeight = await number.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
      expect((await number.boundingBox())!.height).to.be.below(lineHeight * 1.5);

      const paths = ['/cases', '/cases?status=open&sort=risk', `/cases/${caseId}`, '/cases/new', `/cases/${caseId}/edit`, `/cases/${caseId}/notes/new`, `/cases/${caseId}/history`, `/cases/${caseId}/family/new`, `/cases/${caseId}/consents/new`, `/cases/${caseId}/assessments/new`, `/cases/${caseId}?open=assessments`];
      const overflowing: Fit[] = [];
      for (const path of paths) {
        const res = await page.goto(`${browser.harness().baseUrl}${path}`);
        expect(res?.status(), path).to.equal(200);
        const measured = await fit(page);
        if (measured.scrollWidth > measured.innerWidth) overflowing.push(measured);
      }
      // With the filters and the language menu opened as a person would, still nothing scrolls sideways.
      await page.goto(`${browser.harness().baseUrl}/cases`);
      await page.click('details.list-filters > summary');
      await page.click('details.language-menu > summary');
      expect(await page.locator('details.language-menu button[value=th]').isVisible(), 'the languages, once opened').to.equal(true);
      const opened = await fit(page);
      if (opened.scrollWidth > opened.innerWidth) overflowing.push({ ...opened, path: '/cases (filters and languages open)' });
      expect(overflowing).to.deep.equal([]);
      expect(pathOf(page)).to.equal('/cases');
      expectClean(watched, 'the case flow at 360 px');
    });
  }

  it('folds the signed-out language menu to one line whose links still switch the language, without JavaScript', async () => {
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const watched = await watchedPage(context);
    const { page } = watched;
    await page.goto(`${browser.harness().baseUrl}/login`);
    const menu = page.locator('details.language-menu');
    expect((await menu.boundingBox())!.height, 'one line').to.be.below(48);
    expect(await page.locator('details.language-menu a[hreflang=th]').isVisible(), 'folded').to.equal(false);
    await page.click('details.language-menu > summary');
    await Promise.all([page.waitForEvent('load'), page.click('details.language-menu a[hreflang=th]')]);
    expect(await page.getAttribute('html', 'lang')).to.equal('th');
    expect((await page.locator('details.language-menu > summary').textContent())?.replace(/\s+/g, ' ').trim()).to.include('ไทย');
    const measured = await fit(page);
    expect(measured.scrollWidth, JSON.stringify(measured)).to.be.at.most(measured.innerWidth);
    expectClean(watched, 'the sign-in page at 360 px');
  });

  it('keeps the wide layout on a desktop: the filters open when one is in use, and the whole language menu shown', async () => {
    const { user } = await scene('en');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page } = await signedIn(context, user);
    await page.goto(`${browser.harness().baseUrl}/cases?risk=high`);
    expect(await page.locator('details.list-filters').evaluate((d) => (d as HTMLDetailsElement).open)).to.equal(true);
    expect(await page.locator('details.language-menu button[value=km]').isVisible(), 'every language at once').to.equal(true);
    expect(await page.locator('details.language-menu > summary').isVisible()).to.equal(false);
    expect(await page.locator('table.case-table thead').isVisible(), 'a table with its headings').to.equal(true);
  });
});
