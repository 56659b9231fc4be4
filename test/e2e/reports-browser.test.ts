/**
 * The outcome report in Chromium, as a manager whose Haven is in Vietnamese uses it: filters by country
 * and dates with the form (no script needed), reads the figures, downloads the CSV, and finds the page
 * free of the accessibility problems axe-core detects, at 1280 px and at 360 px, where nothing but a
 * wide table's own scroll region moves sideways.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect } from 'chai';
import { regionName } from '../../src/lib/i18n/format.js';
import { LOCALES_DIR } from '../../src/lib/paths.js';
import { expectClean, signInBrowser, useBrowser } from '../helpers/browser.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser } from '../helpers/factories.js';
import { nextCode } from '../helpers/session.js';
import { writeDataset } from '../routes/reports/dataset.js';

const VI = JSON.parse(readFileSync(path.join(LOCALES_DIR, 'vi', 'reports.json'), 'utf8')) as { title: string };

describe('in Chromium: a manager filters the outcome report in Vietnamese and downloads it', function () {
  this.timeout(120_000);
  useDatabase('e2ereports');
  const browser = useBrowser();

  it('filters by country and dates, shows the figures, downloads the CSV, and passes axe at both widths', async () => {
    const org = (await buildOrganisation({ teams: [{ code: 'north', name: 'Nhóm Bắc' }, { code: 'south', name: 'Nhóm Nam' }] })).id;
    const other = (await buildOrganisation()).id;
    const manager = await buildUser({ roles: ['manager'], organisationId: org, locale: 'vi' });
    const worker = await buildUser({ roles: ['caseworker'], organisationId: org });
    await writeDataset(org, other, { w1: worker.id, w2: worker.id, partner: other });

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const watched = await signInBrowser(context, browser.harness().baseUrl, manager, () => nextCode(manager));
    const { page } = watched;
    await page.goto(`${browser.harness().baseUrl}/reports`);
    expect(await page.locator('h1').textContent()).to.equal(VI.title);
    await page.fill('#from', '2025-01-01');
    await page.fill('#to', '2025-12-31');
    await page.selectOption('#country', { label: regionName('KH', 'vi')! });
    await Promise.all([page.waitForEvent('load'), page.click('form.report-filters button[type=submit]')]);
    const url = new URL(page.url());
    expect([url.searchParams.get('country'), url.searchParams.get('from'), url.searchParams.get('to')]).to.deep.equal(['KH', '2025-01-01', '2025-12-31']);
    const cell = (figure: string, key: string) => page.locator(`#figure-${figure} tr[data-key="${key}"] td`).first().textContent();
    expect(await cell('caseload_status', 'open')).to.equal('7');
    expect(await cell('caseload_status', 'active')).to.equal('0');
    // Vietnamese throughout: the page's language, and the hidden value's reason in Vietnamese.
    expect(await page.getAttribute('html', 'lang')).to.equal('vi');
    expect(await page.locator('#figure-caseload_exploitation tr[data-key="livestream_abuse"] td').textContent()).to.equal('< 5');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href^="/reports/export.csv"]')]);
    expect(download.suggestedFilename()).to.equal('haven-report-2025-01-01-2026-01-01.csv');
    const csv = readFileSync((await download.path())!);
    expect([...csv.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]!.split(',')).to.have.length(8);
    expect(lines.some((l) => l.endsWith(',7') && l.includes('2025-01-01,2025-12-31'))).to.equal(true);
    expect(lines.join('\n')).to.include(regionName('KH', 'vi')!);

    // Readable in greyscale and without telling colours apart: the charts use one colour (and dashes
    // and outlines for what differs), and that colour stands out from the page by at least 3:1 (WCAG 1.4.11).
    const paints = await page.evaluate(() => {
      const used = new Set<string>();
      for (const el of document.querySelectorAll('.report-chart rect, .report-chart line, .report-chart circle')) {
        const style = getComputedStyle(el);
        // A line has no inside: its fill is never painted.
        if (style.fill !== 'none' && el.tagName !== 'line') used.add(style.fill);
        if (style.stroke !== 'none') used.add(style.stroke);
      }
      return { used: [...used], background: getComputedStyle(document.body).backgroundColor };
    });
    const luminance = (css: string) => {
      const [r, g, b] = css.match(/\d+/g)!.slice(0, 3).map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrast = (a: string, b: string) => (Math.max(luminance(a), luminance(b)) + 0.05) / (Math.min(luminance(a), luminance(b)) + 0.05);
    const ink = paints.used.filter((c) => contrast(c, paints.background) >= 3);
    expect(ink, JSON.stringify(paints)).to.have.length(1);
    // Anything else painted is the faint axis line, which carries no value.
    expect(paints.used.length, JSON.stringify(paints)).to.be.at.most(2);

    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: 900 });
      const results = await new AxeBuilder({ page }).analyze();
      expect(
        results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`),
        `axe at ${width} px`,
      ).to.deep.equal([]);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(sideways, `page scrolls sideways at ${width} px`).to.be.at.most(0);
      await page.screenshot({ path: `test-artifacts/reports/vi-${width}.png`, fullPage: false });
    }
    expectClean(watched, 'the report pages');
  });
});
