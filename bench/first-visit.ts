/**
 * First-visit bytes: one page opened in a fresh Chromium context (an empty cache), and every response
 * it downloads counted as sent over the wire (the compressed body, headers left out). Chromium decides
 * which fonts a page needs (unicode-range), so a font is counted only when the page really uses it.
 */
import http from 'node:http';
import { chromium, type Browser, type BrowserContext, type Cookie } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** What Chromium sends, so that the server picks the same compression for the icon fetched by hand. */
const ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

export type TransferKind = 'html' | 'css' | 'font' | 'icon' | 'other';
export interface Transfer {
  url: string;
  kind: TransferKind;
  bytes: number;
}
export interface FirstVisit {
  path: string;
  lang: string;
  status: number;
  transfers: Transfer[];
  total: number;
  byKind: Record<TransferKind, number>;
}

/** Headless Debian Chromium with nothing that reaches beyond 127.0.0.1. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

function kindOf(url: string, contentType: string, isDocument: boolean): TransferKind {
  if (isDocument) return 'html';
  if (contentType.startsWith('text/css')) return 'css';
  if (contentType.startsWith('font/') || url.endsWith('.woff2')) return 'font';
  if (contentType.startsWith('image/')) return 'icon';
  return 'other';
}

/** The body of a response as sent (still compressed): node's http client does not decode it. */
function encodedBytes(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': ACCEPT_ENCODING } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve(bytes));
      })
      .on('error', reject);
  });
}

/**
 * Opens `path` in a new context with an empty cache (the cookies of a signed-in session, if given) and
 * answers every download the page caused until the network was idle and its fonts had loaded.
 * Headless Chromium does not ask for the page icon, which every browser with a tab does: it is fetched
 * by hand, with the same Accept-Encoding.
 */
export async function firstVisit(browser: Browser, baseUrl: string, path: string, options: { locale?: string; cookies?: Cookie[] } = {}): Promise<FirstVisit> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-GB', serviceWorkers: 'block' });
  try {
    if (options.cookies) await context.addCookies(options.cookies);
    const page = await context.newPage();
    const pending: Promise<Transfer>[] = [];
    page.on('requestfinished', (req) => {
      pending.push(
        (async () => {
          const [sizes, res] = await Promise.all([req.sizes(), req.response()]);
          const type = (await res?.headerValue('content-type')) ?? '';
          return { url: req.url(), kind: kindOf(req.url(), type, req.isNavigationRequest()), bytes: sizes.responseBodySize };
        })(),
      );
    });
    const res = await page.goto(`${baseUrl}${path}`, { waitUntil: 'networkidle' });
    await page.evaluate(async () => {
      await document.fonts.ready;
    });
    await page.waitForLoadState('networkidle');
    const transfers = await Promise.all(pending);
    const icon = await page.getAttribute('link[rel="icon"]', 'href');
    if (icon && !transfers.some((t) => t.kind === 'icon')) {
      const url = new URL(icon, baseUrl).href;
      transfers.push({ url, kind: 'icon', bytes: await encodedBytes(url) });
    }
    const byKind: Record<TransferKind, number> = { html: 0, css: 0, font: 0, icon: 0, other: 0 };
    for (const t of transfers) byKind[t.kind] += t.bytes;
    return {
      path,
      lang: (await page.getAttribute('html', 'lang')) ?? '',
      status: res?.status() ?? 0,
      transfers,
      total: transfers.reduce((n, t) => n + t.bytes, 0),
      byKind,
    };
  } finally {
    await context.close();
  }
}

/** Signs in through the real forms (password, then the code `code()` answers) and keeps the context. */
export async function signedInContext(browser: Browser, baseUrl: string, user: { email: string; password: string }, code: () => Promise<string>): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'en-GB', serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.fill('#email', user.email);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForURL(/\/mfa(\?|$)/), page.click('form[action="/login"] button[type=submit]')]);
  await page.fill('#code', await code());
  await Promise.all([page.waitForEvent('load'), page.click('form[action="/mfa"] button[type=submit]')]);
  if ((await page.locator('form[action="/logout"]').count()) !== 1) throw new Error(`sign-in failed at ${page.url()}`);
  return context;
}

/** Switches a signed-in user's profile language through the language menu. */
export async function chooseLanguage(context: BrowserContext, baseUrl: string, code: string): Promise<void> {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${baseUrl}/`);
  await Promise.all([page.waitForEvent('load'), page.click(`.language-menu button[value="${code}"]`)]);
  const lang = await page.getAttribute('html', 'lang');
  if (lang !== code) throw new Error(`the language menu did not switch to ${code} (the page is in ${lang})`);
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/** One line per visit: the total and its parts. */
export function visitRow(label: string, v: FirstVisit): string {
  const parts = (['html', 'css', 'font', 'icon', 'other'] as const)
    .filter((k) => v.byKind[k] > 0 || k !== 'other')
    .map((k) => `${k} ${kb(v.byKind[k])}`)
    .join(', ');
  const fonts = v.transfers.filter((t) => t.kind === 'font').length;
  return `${label.padEnd(34)} ${kb(v.total).padStart(9)}  (${parts}; ${v.transfers.length} requests, ${fonts} fonts; ${v.status}, lang ${v.lang})`;
}
