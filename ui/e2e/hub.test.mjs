// End to end: a real hub on a fresh SQLite file with the demo centre, driven through
// Debian's Chromium. Signs in, registers a client, sees a bad e-mail refused at its field,
// and finds the client again by a fragment of their phone number.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
const hubBin = process.env.HALLPASS_HUB_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug/hallpass-hub');
const shots = join(root, 'ui/test-results');
const hubs = [];
let browser, base, dir;

/** Starts a hub on a new SQLite file and an ephemeral port; resolves to its URL. */
async function startHub(name, extra) {
  const hub = spawn(hubBin, ['--db', `sqlite:${join(dir, `${name}.db`)}`, '--listen', '127.0.0.1:0', '--ui', join(root, 'ui/dist'), ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  hubs.push(hub);
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('the hub did not start within 60 s')), 60_000);
    hub.on('exit', (code) => fail(new Error(`the hub exited with ${code}`)));
    hub.stdout.on('data', (chunk) => {
      const m = /on (http:\/\/[^/\s]+)\//.exec(String(chunk));
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hallpass-e2e-'));
  mkdirSync(shots, { recursive: true });
  base = await startHub('demo', ['--demo']);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  for (const hub of hubs) hub.kill('SIGINT');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('reception registers a client, sees a bad e-mail at the field, finds the client by phone', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  await page.goto(base);
  await page.getByLabel('Login').fill('reception');
  await page.getByLabel('Password').fill('hallpass-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('client-results').locator('li').first().waitFor();
  await page.screenshot({ path: join(shots, 'clients.png') });

  await page.getByRole('button', { name: /New client/ }).click();
  const card = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'New client' }) });
  await card.getByLabel('Name').fill('Phonesavanh Test-Client');
  await card.getByLabel('Number', { exact: true }).fill('020 5432 1987');
  await card.getByLabel('E-mail').fill('phone@@savanh');
  await card.getByRole('button', { name: 'Save' }).click();
  const emailError = card.locator('[id$="-emails-0-error"]');
  await emailError.waitFor();
  assert.equal(await emailError.textContent(), 'Not a valid e-mail address');
  // The error sits right at the e-mail field.
  const described = await card.getByLabel('E-mail').getAttribute('aria-describedby');
  assert.equal(described, await emailError.getAttribute('id'));
  await page.screenshot({ path: join(shots, 'card-error.png') });

  await card.getByLabel('E-mail').fill('phone@savanh.la');
  await card.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await page.getByRole('tab', { name: 'Phonesavanh Test-Client' }).waitFor();

  await page.getByRole('tab', { name: 'Clients' }).click();
  await page.getByLabel('Search by name or phone').fill('5432 19');
  const row = page.getByTestId('client-results').getByRole('button', { name: /Phonesavanh Test-Client/ });
  await row.waitFor();
  assert.equal(await page.getByTestId('client-results').locator('li').count(), 1);
  await page.screenshot({ path: join(shots, 'search-by-phone.png') });
  await row.click();
  await page.getByRole('heading', { name: 'Phonesavanh Test-Client' }).waitFor();
});

test('a wrong password is refused without leaving the sign-in screen', async () => {
  const page = await browser.newPage();
  await page.goto(base);
  await page.getByLabel('Login').fill('owner');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('login-error').waitFor();
  assert.equal(await page.getByTestId('login-error').textContent(), 'Wrong login or password.');
});

test('themes and language are chosen per user and remembered', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(base);
  await page.getByLabel('Login').fill('owner');
  await page.getByLabel('Password').fill('hallpass-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: /Settings/ }).click();
  await page.getByRole('radio', { name: 'Dark', exact: true }).click();
  await page.locator('#pref-locale').selectOption('ru');
  await page.getByRole('heading', { name: 'Мои настройки' }).waitFor();
  await page.screenshot({ path: join(shots, 'settings-dark-ru.png') });
  await page.reload();
  await page.getByTestId('client-results').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.getByRole('button', { name: 'Выйти' }).click();
  // Another user on the same device keeps their own theme.
  await page.getByLabel('Логин').fill('reception');
  await page.getByLabel('Пароль').fill('hallpass-demo');
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByTestId('client-results').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  // The language of the sign-in screen stays after signing in.
  await page.getByRole('button', { name: 'Выйти' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru');
});

test('first start: the owner sets up the centre, with errors at the fields', async () => {
  const fresh = await startHub('fresh', []);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await page.goto(fresh);
  await page.getByRole('heading', { name: 'Set up your centre' }).waitFor();
  await page.getByLabel('Centre name').fill('Little Stars Studio');
  await page.getByLabel('Time zone').fill('Asia/Phnom_Penh');
  await page.getByLabel("Owner's name").fill('Sok Chenda');
  await page.getByLabel("Owner's password").fill('short');
  await page.getByRole('button', { name: 'Create the centre' }).click();
  const err = page.locator('#setup-owner-password-error');
  await err.waitFor();
  assert.equal(await err.textContent(), 'Too short');
  await page.screenshot({ path: join(shots, 'setup-error.png') });
  await page.getByLabel("Owner's password").fill('a long enough secret');
  await page.getByRole('button', { name: 'Create the centre' }).click();
  await page.getByTestId('centre-name').filter({ hasText: 'Little Stars Studio' }).waitFor();
  assert.equal(await page.getByTestId('client-empty').textContent(), 'No clients yet. Add the first one with “New client”, or import your list.');
});
