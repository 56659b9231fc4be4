import { expect } from 'chai';
import { testApp } from '../helpers/app.js';
import { startHarness, watchedPage, type Harness } from '../helpers/browser.js';
import { useDatabase } from '../helpers/db.js';

const SCRIPTS = [
  { lng: 'th', family: 'Haven Noto Sans Thai' },
  { lng: 'km', family: 'Haven Noto Sans Khmer' },
  { lng: 'lo', family: 'Haven Noto Sans Lao' },
  { lng: 'my', family: 'Haven Noto Sans Myanmar' },
] as const;

describe('in Chromium: pages in Thai, Khmer, Lao and Burmese', function () {
  this.timeout(60_000);
  useDatabase('e2efonts');
  let harness: Harness;
  before(async () => {
    harness = await startHarness(await testApp());
  });
  after(async () => harness?.close());

  for (const { lng, family } of SCRIPTS) {
    it(`render the home page in ${lng} with the self-hosted ${family}, no console errors, no CSP violations`, async () => {
      const context = await harness.browser.newContext();
      try {
        const { page, problems } = await watchedPage(context);
        const fontResponses: string[] = [];
        page.on('response', (res) => {
          if (res.url().endsWith('.woff2') && res.ok()) fontResponses.push(res.url());
        });
        const res = await page.goto(`${harness.baseUrl}/?lng=${lng}`);
        expect(res?.status()).to.equal(200);
        expect(await page.getAttribute('html', 'lang')).to.equal(lng);
        const loaded = await page.evaluate(async () => {
          await document.fonts.ready;
          return [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/["']/g, ''));
        });
        expect(loaded).to.include(family);
        expect(fontResponses.length).to.be.at.least(1);
        for (const url of fontResponses) expect(url.startsWith(harness.baseUrl)).to.equal(true);
        expect(problems).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }

  it('report a CSP violation when one happens (the watcher can fail)', async () => {
    const context = await harness.browser.newContext();
    try {
      const { page, problems } = await watchedPage(context);
      await page.goto(`${harness.baseUrl}/`);
      await page.evaluate(() => {
        const img = document.createElement('img');
        img.src = 'https://tracker.invalid/pixel.png';
        document.body.append(img);
      });
      await page.waitForTimeout(300);
      expect(problems.join('\n')).to.match(/CSP violation|Content Security Policy/);
    } finally {
      await context.close();
    }
  });

  it('work without JavaScript: the language menu is plain links', async () => {
    const context = await harness.browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${harness.baseUrl}/login`);
      await page.click('a[hreflang="km"]');
      expect(await page.getAttribute('html', 'lang')).to.equal('km');
      await page.click('a[href="/"]');
      expect(await page.getAttribute('html', 'lang')).to.equal('km'); // the choice stuck
      expect(page.url()).to.equal(`${harness.baseUrl}/`);
    } finally {
      await context.close();
    }
  });
});
