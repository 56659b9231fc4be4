import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import { UserModel } from '../../src/models/user.js';
import { expectClean, pathOf, useBrowser, watchedPage } from '../helpers/browser.js';
import { useDatabase } from '../helpers/db.js';
import { buildUser } from '../helpers/factories.js';
import { localeText } from '../helpers/locale-check.js';
import { plant } from '../helpers/secrets.js';
import { nextCode } from '../helpers/session.js';

const SESSION_COOKIE = 'haven';

const text = localeText;

/** Clicks something that submits a form or follows a link, and waits until the next page has loaded. */
async function navigateBy(page: Page, target: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), target.click()]);
}


async function h1(page: Page): Promise<string> {
  return ((await page.textContent('h1')) ?? '').trim();
}


describe('in Chromium: sign in, switch language, sign out', function () {
  this.timeout(60_000);
  useDatabase('e2esignin');
  const browser = useBrowser();

  it('sign in with password and TOTP, switch to Thai, sign out; the old cookie in a second context gets nothing', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    const record = await UserModel.findById(user.id).lean();
    if (!record) throw new Error('the factory user is not in the database');
    const name = record.name;

    const first = await browser.newContext();
    const watched = await watchedPage(first);
    const { page } = watched;

    // 1. Password, then the second factor.
    const login = await page.goto(`${browser.harness().baseUrl}/login`);
    expect(login?.status()).to.equal(200);
    expect(await page.getAttribute('html', 'lang')).to.equal('en');
    expect(await h1(page)).to.equal(text('en', 'auth:login.title'));
    expectClean(watched, '/login');

    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await navigateBy(page, page.locator('form[action="/login"] button[type=submit]', { hasText: text('en', 'auth:login.submit') }));
    expect(pathOf(page), 'after the password').to.equal('/mfa');
    expect(await h1(page)).to.equal(text('en', 'auth:mfa.title'));
    expectClean(watched, '/mfa');

    await page.fill('#code', await nextCode(user));
    await navigateBy(page, page.locator('form[action="/mfa"] button[type=submit]'));
    expect(pathOf(page), 'after the code').to.equal('/');
    expect(await h1(page)).to.equal(text('en', 'common:home.signedInTitle', { name }));
    expectClean(watched, '/ (signed in)');

    // 2. The language menu of a signed-in user is a form; Thai sticks to the profile.
    await navigateBy(page, page.locator('form[action="/account/language"] button[name=locale][value=th]'));
    expect(pathOf(page), 'after choosing Thai').to.equal('/');
    expect(await page.getAttribute('html', 'lang')).to.equal('th');
    expect(await h1(page)).to.equal(text('th', 'common:home.signedInTitle', { name }));
    expect(await page.getAttribute('form[action="/account/language"] button[value=th]', 'aria-current')).to.equal('true');
    expectClean(watched, '/ (in Thai)');

    await navigateBy(page, page.locator('.site-header nav a[href="/account"]'));
    expect(pathOf(page)).to.equal('/account');
    expect(await page.getAttribute('html', 'lang')).to.equal('th');
    expect(await h1(page)).to.equal(text('th', 'account:title'));
    expect(await page.textContent('#who-title')).to.equal(name);
    expect(await page.textContent('body')).to.include(user.email);
    expectClean(watched, '/account (in Thai)');

    // 3. The session cookie as it is now.
    const cookie = (await first.cookies(browser.harness().baseUrl)).find((c) => c.name === SESSION_COOKIE);
    if (!cookie) throw new Error(`no ${SESSION_COOKIE} cookie in the signed-in context`);
    plant(cookie.value);
    expect(cookie.httpOnly).to.equal(true);

    // 4. Sign out from the header.
    const signOut = page.locator('form[action="/logout"] button[type=submit]');
    expect((await signOut.textContent())?.trim()).to.equal(text('th', 'common:nav.signOut'));
    await navigateBy(page, signOut);
    const ended = new URL(page.url());
    expect(ended.pathname, 'after signing out').to.equal('/login');
    expect(ended.searchParams.get('ended')).to.equal('1');
    const lang = (await page.getAttribute('html', 'lang')) ?? 'en';
    expect(await page.textContent('p.notice[role=status]')).to.equal(text(lang, 'auth:login.ended'));
    expect(await page.locator('form[action="/logout"]').count(), 'a sign-out form after signing out').to.equal(0);
    expectClean(watched, '/login?ended=1');

    // 5. Another browser with the old cookie gets nothing.
    const second = await browser.newContext();
    await second.addCookies([
      { name: cookie.name, value: cookie.value, domain: cookie.domain, path: cookie.path, httpOnly: cookie.httpOnly, secure: cookie.secure, sameSite: cookie.sameSite },
    ]);
    const stranger = await watchedPage(second);
    await stranger.page.goto(`${browser.harness().baseUrl}/account`);
    expect(pathOf(stranger.page), 'the old cookie on /account').to.equal('/login');
    const body = (await stranger.page.textContent('body')) ?? '';
    expect(body).not.to.include(name);
    expect(body).not.to.include(user.email);
    expect(await stranger.page.locator('#who-title').count()).to.equal(0);
    expect(await stranger.page.locator('form[action="/logout"]').count()).to.equal(0);
    expect(await stranger.page.locator('form[action="/account/language"]').count()).to.equal(0);
    expectClean(stranger, '/account with the old cookie');
  });
});
