import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import type { Account } from './e2e-api';
import { ROOT } from './spawn-launcher';

/** Where screenshots go (gitignored). */
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Debian's Chromium, headless; nothing is downloaded. */
export function launchChromium(): Promise<Browser> {
  const executablePath = existsSync('/usr/lib/chromium/chromium')
    ? '/usr/lib/chromium/chromium'
    : '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot as test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Collects console errors and uncaught page errors, so a test can assert the app logged none.
 * Failed resource loads the test causes on purpose (going offline) are filtered by the caller.
 */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/**
 * Signs `account` in through the login form in a fresh browser context (its own cookies and
 * storage, as a second person's browser) and waits for the project list.
 * @returns the page and the console errors it collects from the start
 */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  account: Pick<Account, 'email' | 'password'>,
  viewport = { width: 1366, height: 900 },
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
  return { page, errors };
}

/**
 * Starts a 480p render from the project's Renders tab and waits (up to 2 min) for it to complete.
 * @returns the completed render's row (its `data-job-id` names the job)
 */
export async function renderAt480p(page: Page): Promise<Locator> {
  await page.getByRole('link', { name: 'Renders' }).click();
  await page.getByRole('heading', { name: 'New render' }).waitFor();
  await page.locator('#render-resolution').selectOption('480p');
  await page.getByRole('button', { name: 'Start render' }).click();
  const row = page.locator('.render-row[data-status="completed"]');
  await row.locator('video').waitFor({ timeout: 120_000 });
  return row;
}
