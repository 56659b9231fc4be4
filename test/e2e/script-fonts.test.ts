/**
 * In Chromium on a machine with no Thai, Khmer, Lao or Burmese system font (this one and CI have none):
 * every letter of those scripts is drawn with one of Haven's fonts, as Chromium itself reports through
 * the DevTools protocol (CSS.getPlatformFontsForNode), and each page downloads only the fonts it needs.
 * A screenshot of each page checked is kept under test-artifacts/fonts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { ROOT } from '../../src/lib/paths.js';
import { expectClean, signInBrowser, useBrowser, watchedPage } from '../helpers/browser.js';
import { buildCase } from '../helpers/cases.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';
import { nextCode } from '../helpers/session.js';

const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'fonts');

type Script = 'Thai' | 'Khmer' | 'Lao' | 'Myanmar';
const SCRIPTS: readonly Script[] = ['Thai', 'Khmer', 'Lao', 'Myanmar'];

/** Each language, the file name part of its fonts, and fictional names in its script for a case. */
const LANGUAGES = [
  { lng: 'th', script: 'Thai', file: 'thai', given: 'ทดสอบ', family: 'สมมติ', country: 'TH' },
  { lng: 'km', script: 'Khmer', file: 'khmer', given: 'សាកល្បង', family: 'ស្រមើស្រមៃ', country: 'KH' },
  { lng: 'lo', script: 'Lao', file: 'lao', given: 'ທົດລອງ', family: 'ສົມມຸດ', country: 'LA' },
  { lng: 'my', script: 'Myanmar', file: 'myanmar', given: 'စမ်းသပ်', family: 'စိတ်ကူး', country: 'MM' },
] as const;

/** A run of text that Chromium drew, with the fonts it reports for that run alone. */
interface Run {
  script: Script;
  where: string;
  text: string;
  fonts: { familyName: string; postScriptName?: string; isCustomFont: boolean; glyphCount: number }[];
}

/**
 * Wraps every run of Thai, Khmer, Lao or Burmese letters on the page in a span of its own (a whole
 * run, so shaping is as before, and the span inherits its parent's font), opens every <details> so
 * that folded text is drawn too, and asks Chromium which fonts drew each span.
 */
async function scriptRuns(context: BrowserContext, page: Page): Promise<Run[]> {
  // Sent as source text: tsx would wrap named functions in a helper that the page does not have.
  await page.evaluate(`(async () => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    const run = /[\\p{Script=Thai}\\u200B-\\u200D]*\\p{Script=Thai}[\\p{Script=Thai}\\u200B-\\u200D]*|[\\p{Script=Khmer}\\u200B-\\u200D]*\\p{Script=Khmer}[\\p{Script=Khmer}\\u200B-\\u200D]*|[\\p{Script=Lao}\\u200B-\\u200D]*\\p{Script=Lao}[\\p{Script=Lao}\\u200B-\\u200D]*|[\\p{Script=Myanmar}\\u200B-\\u200D]*\\p{Script=Myanmar}[\\p{Script=Myanmar}\\u200B-\\u200D]*/gu;
    const scriptOf = (s) => (/\\p{Script=Thai}/u.test(s) ? 'Thai' : /\\p{Script=Khmer}/u.test(s) ? 'Khmer' : /\\p{Script=Lao}/u.test(s) ? 'Lao' : 'Myanmar');
    // The part of the page a run belongs to, the menu and headings first (a link in the menu is "language menu").
    const whereOf = (el) => {
      if (el.closest('.language-menu')) return 'language menu';
      for (const sel of ['h1', 'h2', 'h3', 'nav', 'button', 'label', 'summary', 'th', 'td', 'dt', 'dd', 'footer']) if (el.closest(sel)) return sel;
      return el.tagName.toLowerCase();
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
    for (const node of nodes) {
      const parent = node.parentElement;
      if (!parent || parent.closest('script, style, option, select, textarea')) continue;
      const text = node.data;
      const matches = [...text.matchAll(run)];
      if (matches.length === 0) continue;
      const fragment = document.createDocumentFragment();
      let at = 0;
      for (const m of matches) {
        fragment.append(text.slice(at, m.index));
        const span = document.createElement('span');
        span.dataset.fontRun = scriptOf(m[0]);
        span.dataset.where = whereOf(parent);
        span.textContent = m[0];
        fragment.append(span);
        at = m.index + m[0].length;
      }
      fragment.append(text.slice(at));
      node.replaceWith(fragment);
    }
    // Text that is not drawn at all (a control hidden at this width) needs no font.
    for (const span of document.querySelectorAll('span[data-font-run]')) span.dataset.drawn = span.checkVisibility() ? 'yes' : 'no';
    await document.fonts.ready;
  })()`);
  // Fonts that the new layout asked for (a folded section just opened) have loaded too.
  await page.waitForLoadState('networkidle');
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: 'span[data-font-run][data-drawn="yes"]' });
    const runs: Run[] = [];
    for (const nodeId of nodeIds) {
      const { attributes = [] } = await cdp.send('DOM.getAttributes', { nodeId });
      const attr = (name: string) => attributes[attributes.indexOf(name) + 1] ?? '';
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      const { outerHTML } = await cdp.send('DOM.getOuterHTML', { nodeId });
      runs.push({ script: attr('data-font-run') as Script, where: attr('data-where'), text: outerHTML.replace(/<[^>]+>/g, ''), fonts });
    }
    return runs;
  } finally {
    await cdp.detach();
  }
}

/** The runs drawn, in whole or in part, with a font that is not Haven's own font for their script. */
function fallbacks(runs: Run[]): string[] {
  return runs
    .filter((r) => r.fonts.length === 0 || r.fonts.some((f) => !f.isCustomFont || f.familyName !== `Noto Sans ${r.script}`))
    .map((r) => `${r.where} "${r.text}": ${r.fonts.map((f) => `${f.familyName}${f.isCustomFont ? '' : ' (system)'} ×${f.glyphCount}`).join(', ') || 'not drawn'}`);
}

function screenshot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The font files a page downloaded, by the name part before the hash (`autonyms-khmer`, `noto-sans-thai-thai-700-normal`). */
function fontRequests(page: Page): string[] {
  const names: string[] = [];
  page.on('requestfinished', (req) => {
    const m = /\/static\/fonts\/([\w-]+)\.[\w-]{12}\.woff2$/.exec(req.url());
    if (m) names.push(m[1]!);
  });
  return names;
}

describe('in Chromium with no system font for Thai, Khmer, Lao or Burmese: script fonts', function () {
  this.timeout(120_000);
  useDatabase('e2escriptfonts');
  const browser = useBrowser();
  const base = () => browser.harness().baseUrl;

  async function open(page: Page, url: string): Promise<void> {
    const res = await page.goto(`${base()}${url}`, { waitUntil: 'networkidle' });
    expect(res?.status(), url).to.equal(200);
    await page.evaluate(async () => {
      await document.fonts.ready;
    });
  }

  async function signedIn(context: BrowserContext, user: TestUser): Promise<Page> {
    const watched = await signInBrowser(context, base(), user, () => nextCode(user));
    expectClean(watched, 'signing in');
    return watched.page;
  }

  for (const { lng, script } of LANGUAGES) {
    it(`draw every ${script} letter of the home and sign-in pages in ${lng} with Haven's font: headings, navigation, buttons and the menu`, async () => {
      const context = await browser.newContext({ locale: lng });
      const watched = await watchedPage(context);
      const { page } = watched;
      for (const url of ['/', '/login']) {
        await open(page, url);
        expect(await page.getAttribute('html', 'lang'), url).to.equal(lng);
        const runs = await scriptRuns(context, page);
        await screenshot(page, `${lng}-${url === '/' ? 'home' : 'login'}`);
        const ofPage = runs.filter((r) => r.script === script);
        expect(ofPage.length, `${script} runs on ${url}`).to.be.at.least(3);
        expect(new Set(ofPage.map((r) => r.where)), `where ${script} is written on ${url}`).to.include('language menu').and.include('nav');
        if (url === '/login') expect(ofPage.map((r) => r.where), 'the sign-in page').to.include.members(['h1', 'button', 'label']);
        expect(new Set(runs.filter((r) => r.where === 'language menu').map((r) => r.script)), `the menu on ${url}`).to.have.all.keys(...SCRIPTS);
        expect(fallbacks(runs), `runs not drawn with Haven's fonts on ${lng} ${url}`).to.deep.equal([]);
      }
      expectClean(watched, `the ${lng} pages`);
    });

    it(`draw every ${script} letter of the case list and a case page in ${lng}, the child's name in ${script} included`, async () => {
      const { given, family, country } = LANGUAGES.find((l) => l.lng === lng)!;
      const org = await buildOrganisation({ country, preferredLocale: lng });
      const worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'Demo team fonts', locale: lng });
      const id = await buildCase(worker, { givenNameLocal: given, familyNameLocal: family, nationality: country }, { team: 'Demo team fonts' });
      const context = await browser.newContext({ locale: lng });
      const page = await signedIn(context, worker);
      for (const [name, url] of [['cases', '/cases'], ['case', `/cases/${id}`]] as const) {
        await open(page, url);
        expect(await page.getAttribute('html', 'lang'), url).to.equal(lng);
        const runs = await scriptRuns(context, page);
        await screenshot(page, `${lng}-${name}`);
        if (name === 'case') expect(runs.some((r) => r.text.includes(given)), `the child's ${script} name on ${url}`).to.equal(true);
        const where = new Set(runs.filter((r) => r.script === script).map((r) => r.where));
        expect(where, url).to.include('nav').and.include('language menu');
        if (name === 'cases') expect(where, url).to.include('h1');
        expect(fallbacks(runs), `runs not drawn with Haven's fonts on ${lng} ${url}`).to.deep.equal([]);
      }
    });
  }

  it("draw the language menu's names on an English page with Haven's autonym subsets", async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const watched = await watchedPage(context);
    const { page } = watched;
    await open(page, '/');
    expect(await page.getAttribute('html', 'lang')).to.equal('en');
    const runs = await scriptRuns(context, page);
    await screenshot(page, 'en-language-menu');
    expect(runs.map((r) => `${r.where} ${r.script}`).sort()).to.deep.equal(SCRIPTS.map((s) => `language menu ${s}`).sort());
    expect(fallbacks(runs)).to.deep.equal([]);
    expectClean(watched, 'the English home page');
  });

  it('notice a letter drawn with a fallback font (the check can fail): the same page with its fonts blocked', async () => {
    const context = await browser.newContext({ locale: 'th' });
    await context.route('**/*.woff2', (route) => route.abort());
    const page = await context.newPage();
    await open(page, '/');
    const runs = await scriptRuns(context, page);
    expect(runs.length).to.be.at.least(4);
    expect(fallbacks(runs).length, 'every run falls back when no font can load').to.equal(runs.length);
  });

  it('download only the fonts a page needs: the autonym subsets on an English page, one full script font on a page in that script', async () => {
    const english = await browser.newContext({ locale: 'en-GB' });
    const enPage = await english.newPage();
    const enFonts = fontRequests(enPage);
    await open(enPage, '/login');
    expect([...enFonts].sort(), 'an English page').to.deep.equal(['autonyms-khmer', 'autonyms-lao', 'autonyms-myanmar', 'autonyms-thai']);

    for (const { lng, file } of LANGUAGES) {
      const context = await browser.newContext({ locale: lng });
      const page = await context.newPage();
      const fonts = fontRequests(page);
      await open(page, '/login');
      expect(await page.getAttribute('html', 'lang')).to.equal(lng);
      const full = fonts.filter((f) => f.startsWith('noto-sans-'));
      expect(full.length, `${lng}: its own script font`).to.be.at.least(1);
      for (const f of full) expect(f, `${lng}: only its own script's full font`).to.match(new RegExp(`^noto-sans-${file}-${file}-(400|700)-normal$`));
      const others = LANGUAGES.filter((l) => l.lng !== lng).map((l) => `autonyms-${l.file}`);
      expect(fonts.filter((f) => f.startsWith('autonyms-')).sort(), `${lng}: the other scripts' menu names`).to.deep.equal(others.sort());
      await context.close();
    }
  });

  it('keep the fonts an English visitor downloads to a few kilobytes', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const sizes: Promise<number>[] = [];
    page.on('requestfinished', (req) => {
      if (req.url().endsWith('.woff2')) sizes.push(req.sizes().then((s) => s.responseBodySize));
    });
    await open(page, '/');
    const total = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    expect(sizes.length).to.equal(4);
    expect(total, 'font bytes of an English page').to.be.below(8_000);
  });
});
