/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, launchChromium, screenshot } from '../support/browser';
import { apiCall, register, signUp } from '../support/e2e-api';
import { type Stack, startStack } from '../support/start-stack';

let stack: Stack;
let browser: Browser;

/** A fresh browser context (its own cookies) on `path`, with its console errors collected. */
async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${stack.baseUrl}${path}`);
  return { page, errors };
}

async function signInWith(page: Page, email: string, password: string) {
  await page.goto(`${stack.baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('accounts in the browser', () => {
  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('a new user registers and lands signed in; a taken email is not revealed but does not sign in either', async () => {
    const { page } = await open('/register');
    const email = `newcomer-${Date.now()}@e2e.test`;
    await page.getByLabel('Name').fill('Newcomer');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();

    const other = await open('/register');
    await other.page.getByLabel('Name').fill('Impostor');
    await other.page.getByLabel('Email').fill(email);
    await other.page.getByLabel('Password').fill('an impostor password');
    await other.page.getByRole('button', { name: 'Create account' }).click();
    await expect
      .poll(() => other.page.getByRole('alert').textContent())
      .toMatch(/If you already have an account, sign in or reset your password/);
  });

  it('account page: change password (wrong current refused), sign out everywhere', async () => {
    const account = await register(stack.baseUrl, 'Settler');
    const { page, errors } = await open('/login');
    await signInWith(page, account.email, account.password);
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await page.goto(`${stack.baseUrl}/account`);

    const change = page.getByRole('form', { name: 'Change password' });
    await change.getByLabel('Current password').fill('not my password');
    await change.getByLabel('New password').fill('a fresh long password');
    await change.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => change.getByRole('alert').textContent()).toMatch(/current password is wrong/);
    await change.getByLabel('Current password').fill(account.password);
    await change.getByLabel('New password').fill('a fresh long password');
    await change.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => change.getByRole('status').textContent()).toMatch(/Password changed/);
    // The API session made at registration was another session: it ended.
    await expect(apiCall(stack.baseUrl, '/me', { token: account.token })).rejects.toThrow(/401/);
    await screenshot(page, 'account-settings');

    await page.getByRole('form', { name: 'Sign out everywhere' }).getByRole('button').click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signInWith(page, account.email, 'a fresh long password');
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    // 403 for the wrong current password is the only error this page may log.
    expect(errors.filter((e) => !/403/.test(e))).toEqual([]);
  });

  it('forgot password without SMTP says to ask an admin; the admin-issued link resets it once in the browser', async () => {
    const user = await register(stack.baseUrl, 'Forgetful');
    const { page } = await open('/forgot-password');
    await expect.poll(() => page.locator('form').textContent()).toMatch(/instance admin issues reset links/);
    await page.getByLabel('Email').fill(user.email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect
      .poll(() => page.locator('.auth [role=status]').textContent())
      .toMatch(/Ask an instance admin/);

    // An instance admin issues the link from their Account page.
    const adminEmail = `admin-${Date.now()}@e2e.test`;
    const admin = await signUp(stack.baseUrl, {
      email: adminEmail,
      password: 'correct horse battery',
      name: 'Admin',
    });
    const sql = postgres(stack.databaseUrl, { max: 1 });
    await sql`update users set is_admin = true where id = ${admin.user.id}`;
    await sql.end();
    const adminPage = (await open('/login')).page;
    await signInWith(adminPage, adminEmail, 'correct horse battery');
    await adminPage.getByRole('heading', { name: 'Projects' }).waitFor();
    await adminPage.goto(`${stack.baseUrl}/account`);
    const issue = adminPage.getByRole('form', { name: /Issue a password reset link/ });
    await issue.getByLabel('User’s email').fill(user.email);
    await issue.getByRole('button', { name: 'Issue link' }).click();
    const link = await issue.getByLabel('Reset link').inputValue();
    expect(link).toMatch(/\/reset-password#token=/);

    await page.goto(link);
    await page.getByLabel(/New password/).fill('a reset long password');
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect
      .poll(() => page.locator('.auth [role=status]').textContent())
      .toMatch(/Your password is set/);
    expect(page.url()).not.toContain('token=');
    // Used once: the same link, opened again (here on another device), is refused.
    const replay = (await open('/login')).page;
    await replay.goto(link);
    await replay.getByLabel(/New password/).fill('another long password');
    await replay.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => replay.getByRole('alert').textContent()).toMatch(/used already or has expired/);
    await signInWith(page, user.email, 'a reset long password');
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
  });

  it('delete account: lists the blocking project, then deletes once it is the only member', async () => {
    const owner = await register(stack.baseUrl, 'Leaver');
    const friend = await register(stack.baseUrl, 'Friend');
    const project = await apiCall<{ id: string }>(stack.baseUrl, '/projects', {
      method: 'POST',
      json: { name: 'Joint film' },
      token: owner.token,
    });
    await apiCall(stack.baseUrl, `/projects/${project.id}/members`, {
      method: 'POST',
      json: { email: friend.email, role: 'viewer' },
      token: owner.token,
    });
    const { page } = await open('/login');
    await signInWith(page, owner.email, owner.password);
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await page.goto(`${stack.baseUrl}/account`);
    const del = page.getByRole('form', { name: 'Delete account' });
    await del.getByLabel('Password').fill(owner.password);
    await del.getByRole('button', { name: 'Delete my account' }).click();
    await del.getByRole('link', { name: 'Joint film' }).waitFor();

    await apiCall(stack.baseUrl, `/projects/${project.id}/members/${friend.id}`, {
      method: 'DELETE',
      token: owner.token,
    });
    await del.getByLabel('Password').fill(owner.password);
    await del.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signInWith(page, owner.email, owner.password);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Email or password is wrong/);
  });
});
