/**
 * The legal case pages in Chromium, without JavaScript: at 360 px (a phone) and 1280 px, in English and
 * Thai, no page scrolls sideways, even with the long unbroken words real records hold (an office name,
 * a case reference, an offender's name in Thai), and no page breaks its CSP or logs an error.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { addHearing, addSupport } from '../../../src/services/legal/hearings.js';
import { createLegalCase } from '../../../src/services/legal/legal-cases.js';
import { expectClean, signInBrowser, useBrowser } from '../../helpers/browser.js';
import { buildCase, callerOf } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser } from '../../helpers/factories.js';
import { nextCode } from '../../helpers/session.js';
import { day } from './setup.js';

async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} right=${Math.round(el.getBoundingClientRect().right)}`);
  });
}

describe('in Chromium: the legal case pages at 360 px and 1280 px', function () {
  this.timeout(120_000);
  useDatabase('legallayout');
  const browser = useBrowser();

  for (const locale of ['en', 'th']) {
    it(`no legal page scrolls sideways, and none has a CSP violation (${locale})`, async () => {
      const org = await buildOrganisation({ country: 'TH', preferredLocale: locale });
      const user = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north', locale });
      const caseId = await buildCase(user, { nationality: 'TH', languages: ['th'] }, { team: 'north' });
      const caller = callerOf(user, 'north');
      const legalId = await createLegalCase(caller, caseId, {
        status: 'trial',
        complaintDate: day(-100),
        authority: 'court',
        authorityName: 'Fictional-Provincial-Juvenile-and-Family-Court-of-the-Northern-Region',
        reference: 'FICT/2026/JUVENILE/00000000000000012345/CRIMINAL-DIVISION',
        charges: ['online_sexual_exploitation', 'abuse_material_distribution', 'trafficking_in_persons'],
        offenders: [{ name: 'ผู้กระทำผิดสมมติชื่อยาวมากที่เขียนติดกันโดยไม่มีช่องว่างเลย', relationship: 'household_facilitator' }, { name: 'Offender Alpha Test', relationship: 'online_contact' }],
      });
      const hearing = await addHearing(caller, caseId, legalId, { date: day(-3), kind: 'child_testimony', note: 'A pasted link https://example.invalid/a/very/long/path/that/never/breaks/by/itself?with=parameters', language: 'en' });
      await addHearing(caller, caseId, legalId, { date: day(8), kind: 'promulgation', note: '', language: 'en' });
      await addSupport(caller, caseId, legalId, { kinds: ['video_link', 'support_person', 'closed_hearing'], date: day(-3), note: '', language: 'en' });

      const base = `/cases/${caseId}/legal`;
      const paths = [`/cases/${caseId}?open=legal`, `${base}/new`, `${base}/${legalId}`, `${base}/${legalId}/edit`, `${base}/${legalId}/status`, `${base}/${legalId}/hearings/new`, `${base}/${legalId}/hearings/${hearing}/outcome`, `${base}/${legalId}/support/new`];
      const context = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: locale === 'th' ? 'th-TH' : 'en-GB', javaScriptEnabled: false });
      const watched = await signInBrowser(context, browser.harness().baseUrl, user, () => nextCode(user));
      const { page } = watched;
      const wide: string[] = [];
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: width === 360 ? 640 : 900 });
        for (const path of paths) {
          const res = await page.goto(`${browser.harness().baseUrl}${path}`);
          expect(res?.status(), path).to.equal(200);
          for (const el of await overflow(page)) wide.push(`${width} ${path}: ${el}`);
        }
      }
      expect(wide).to.deep.equal([]);
      expect(await page.getAttribute('html', 'lang')).to.equal(locale);
      expectClean(watched, 'the legal case pages');
    });
  }
});
