/**
 * The audit log and the access report in Chromium: at 1280 px the table fits the page (long names,
 * addresses and paths wrap, nothing scrolls sideways); at 360 px each entry is a card of labelled lines.
 * The entries carry the longest values the log holds: an IPv6 address, every role at once, a long
 * unbroken name and a refused page's path. A screenshot of each width is kept under test-artifacts/audit/.
 */
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { audit } from '../../src/services/audit/audit.js';
import { ROLES } from '../../src/domain/permissions.js';
import { expectClean, signInBrowser, type WatchedPage, useBrowser } from '../helpers/browser.js';
import { buildCase } from '../helpers/cases.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';
import { nextCode } from '../helpers/session.js';

async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; tableRight: number }> {
  return page.evaluate(() => {
    const table = document.querySelector('table.audit-table');
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, tableRight: table ? table.getBoundingClientRect().right : 0 };
  });
}

describe('in Chromium: the audit log fits at 1280 px and reads as cards at 360 px', function () {
  this.timeout(90_000);
  useDatabase('e2eaudit');
  const browser = useBrowser();

  const signedIn = (context: BrowserContext, user: TestUser): Promise<WatchedPage> => signInBrowser(context, browser.harness().baseUrl, user, () => nextCode(user));

  async function scene(): Promise<{ auditor: TestUser; worker: TestUser }> {
    const org = await buildOrganisation({ timeZone: 'Asia/Manila' });
    const auditor = await buildUser({ roles: ['auditor'], organisationId: org.id });
    const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, email: 'a.very.long.address.that.never.breaks.by.itself@test.haven.example' });
    const caseId = await buildCase(worker);
    const actor = { userId: worker.id, organisationId: org.id, roles: [...ROLES], ip: 'fd12:3456:789a:0001:ffff:abcd:1234:5678' };
    for (let i = 0; i < 5; i++) {
      await audit(actor, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: caseId });
      await audit(actor, { action: 'access_denied', outcome: 'denied', reason: 'out_of_scope', recordType: 'route', recordId: `/cases/${'f'.repeat(24)}/attachments/${'e'.repeat(24)}`.slice(0, 64) });
      await audit(actor, { action: 'password_reset_request', outcome: 'failure', reason: 'ip_limited', recordType: 'attachment', recordId: 'e'.repeat(24) });
    }
    return { auditor, worker };
  }

  it('at 1280 px the log and the report are tables within the page', async () => {
    const { auditor, worker } = await scene();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const watched = await signedIn(context, auditor);
    const { page } = watched;
    for (const path of ['/audit', `/audit/report?user=${encodeURIComponent(worker.email)}&from=2020-01-01T00:00&to=2100-01-01T00:00`]) {
      await page.goto(`${browser.harness().baseUrl}${path}`);
      expect(await page.locator('table.audit-table thead').isVisible(), `${path}: a table with headings`).to.equal(true);
      expect(await page.locator('table.audit-table tbody tr').first().evaluate((tr) => getComputedStyle(tr).display)).to.equal('table-row');
      const measured = await overflow(page);
      expect(measured.scrollWidth, `${path}: ${JSON.stringify(measured)}`).to.be.at.most(measured.innerWidth);
      expect(measured.tableRight, path).to.be.at.most(measured.innerWidth);
      await page.screenshot({ path: `test-artifacts/audit/${path.startsWith('/audit/report') ? 'report' : 'log'}-1280.png`, fullPage: true });
    }
    expectClean(watched, 'the audit pages at 1280 px');
  });

  it('at 360 px each entry is a card of labelled lines and nothing scrolls sideways', async () => {
    const { auditor, worker } = await scene();
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, javaScriptEnabled: false });
    const watched = await signedIn(context, auditor);
    const { page } = watched;
    for (const path of ['/audit', `/audit/report?user=${encodeURIComponent(worker.email)}&from=2020-01-01T00:00&to=2100-01-01T00:00`]) {
      await page.goto(`${browser.harness().baseUrl}${path}`);
      const row = page.locator('table.audit-table tbody tr').first();
      expect(await row.evaluate((tr) => getComputedStyle(tr).display), `${path}: a card`).to.equal('block');
      // The headings stay for screen readers, in a box of one pixel; each line carries its own label.
      expect((await page.locator('table.audit-table thead').boundingBox())!.height, `${path}: the headings become each line's label`).to.be.at.most(1);
      const label = await row.locator('td[data-label]').first().evaluate((td) => getComputedStyle(td, '::before').content);
      expect(label, 'each line says what it is').to.match(/^".+: "$/);
      const box = (await row.boundingBox())!;
      expect(box.width).to.be.at.most(360);
      const measured = await overflow(page);
      expect(measured.scrollWidth, `${path}: ${JSON.stringify(measured)}`).to.be.at.most(measured.innerWidth);
      await page.screenshot({ path: `test-artifacts/audit/${path.startsWith('/audit/report') ? 'report' : 'log'}-360.png`, fullPage: true });
    }
    expectClean(watched, 'the audit pages at 360 px');
  });
});
