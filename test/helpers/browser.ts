/**
 * Headless Debian Chromium driven by playwright-core, against Haven served on 127.0.0.1. The flags keep
 * Chromium from reaching out to a network this machine does not have; playwright's launch() gives each
 * run a fresh, empty profile directory of its own (it refuses a --user-data-dir flag).
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { testApp } from './app.js';

export const CHROMIUM = '/usr/bin/chromium';

export interface Harness {
  browser: Browser;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startHarness(app: Express): Promise<Harness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Browser tests need Debian's Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does this).`);
  }
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return {
    browser,
    baseUrl: `http://127.0.0.1:${address.port}`,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught page errors and CSP violations seen so far. */
  problems: string[];
}

/** A page that records every console error, page error and CSP violation. */
export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  // Injected by the browser, not by the page, so the page's CSP does not apply to this listener.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    // A load the browser itself cancelled because the page moved on (the icon of a page just left) is
    // not a failure of the app; anything else (refused, reset, blocked) is.
    if (req.failure()?.errorText === 'net::ERR_ABORTED' && req.resourceType() !== 'document') return;
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText ?? 'unknown'})`);
  });
  return { page, problems };
}

/** No console error, page error, failed request or CSP violation so far, naming the page reached. */
export function expectClean(watched: WatchedPage, where: string): void {
  if (watched.problems.length > 0) throw new Error(`problems on the way to ${where}: ${JSON.stringify(watched.problems)}`);
}

export function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** Clicks something that follows a link, and waits until the next page has loaded. */
export async function follow(page: Page, target: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), target.click()]);
}

/** Clicks a form's submit button; answers the status of the POST (before any redirect is followed). */
export async function submit(page: Page, button: Locator): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().frame() === page.mainFrame()),
    page.waitForEvent('load'),
    button.click(),
  ]);
  return response.status();
}

/**
 * The text of the first element matched, with its white space folded. The page is rendered on the
 * server and already loaded, so an element that is not there fails at once, naming the page.
 */
export async function words(page: Page, selector: string): Promise<string> {
  const found = page.locator(selector);
  expect(await found.count(), `${selector} on ${pathOf(page)}`).to.be.greaterThan(0);
  return ((await found.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Call at the top of a describe: Chromium and the app for the whole file, and browser contexts that
 * are closed after each test.
 */
export function useBrowser(): { harness: () => Harness; newContext: (options?: BrowserContextOptions) => Promise<BrowserContext> } {
  let harness: Harness | undefined;
  const contexts: BrowserContext[] = [];
  before(async () => {
    harness = await startHarness(await testApp());
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  after(async () => harness?.close());
  return {
    harness: () => harness!,
    async newContext(options = {}) {
      const context = await harness!.browser.newContext(options);
      contexts.push(context);
      return context;
    },
  };
}

/**
 * A watched page in the context, signed in as the user with the password and a fresh TOTP code; fails when
 * the sign-in does not end signed in.
 */
export async function signInBrowser(context: BrowserContext, baseUrl: string, user: { email: string; password: string }, code: () => Promise<string>): Promise<WatchedPage> {
  const watched = await watchedPage(context);
  const { page } = watched;
  await page.goto(`${baseUrl}/login`);
  await page.fill('#email', user.email);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForURL(/\/mfa(\?|$)/), page.click('form[action="/login"] button[type=submit]')]);
  await page.fill('#code', await code());
  await Promise.all([page.waitForEvent('load'), page.click('form[action="/mfa"] button[type=submit]')]);
  if ((await page.locator('form[action="/logout"]').count()) !== 1) {
    // Say what the page said (the refusal's message), so a failure under load can be told from a wrong code.
    const said = (await page.locator('main').textContent().catch(() => ''))?.replace(/\s+/g, ' ').trim().slice(0, 200);
    throw new Error(`not signed in (at ${pathOf(page)}): ${said}`);
  }
  return watched;
}
