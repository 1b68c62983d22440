// What the browser tests share: a hub on a fresh demo database, Chromium, the two screen
// sizes and signing in.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const root = resolve(import.meta.dirname, '../..');
export const shots = join(root, 'ui/test-results');
const hubBin = process.env.HALLPASS_HUB_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug/hallpass-hub');

export const DESK = { viewport: { width: 1366, height: 768 }, locale: 'en-US' };
export const TABLET = { viewport: { width: 800, height: 1280 }, locale: 'en-US', hasTouch: true, isMobile: true, deviceScaleFactor: 1 };

/**
 * The demo centre's day (Vientiane, UTC+7) turns at 17:00 UTC; a test that reads "today" and
 * then looks for it again must not straddle it. Within three minutes of it, wait until it has
 * passed.
 */
async function clearOfMidnight() {
  const now = Date.now();
  const turn = new Date(now).setUTCHours(17, 0, 5, 0);
  if (turn > now && turn - now < 3 * 60_000) await new Promise((ok) => setTimeout(ok, turn - now));
}

/** Starts a hub on `db` (seeding the demo centre into an empty one), listening on `listen`;
 * resolves to its process and base URL. */
export async function spawnHub(db, listen = '127.0.0.1:0') {
  await clearOfMidnight();
  const hub = spawn(hubBin, ['--db', `sqlite:${db}`, '--listen', listen, '--ui', join(root, 'ui/dist'), '--demo'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise((ok, fail) => {
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
  return { hub, base };
}

/** Stops a hub started by `spawnHub` and waits until it has exited. */
export function stopHub(hub) {
  return new Promise((ok) => {
    if (hub.exitCode !== null) return ok();
    hub.once('exit', () => ok());
    hub.kill('SIGINT');
  });
}

/** Starts a hub on a new demo database and Chromium; `stop` ends both. */
export async function start(name) {
  const dir = mkdtempSync(join(tmpdir(), `hallpass-e2e-${name}-`));
  mkdirSync(shots, { recursive: true });
  const { hub, base } = await spawnHub(join(dir, 'demo.db'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    base,
    browser,
    dir,
    async stop() {
      await browser.close();
      hub.kill('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Calls an operation of the hub as the page's signed-in user; resolves to its JSON answer. */
export async function api(page, op, args) {
  return page.evaluate(
    async ([op, args]) => {
      const token = sessionStorage.getItem('hallpass.session');
      const r = await fetch(`/api/${op}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(args) });
      return r.json();
    },
    [op, args],
  );
}

export async function signIn(page, base, login) {
  await page.goto(base);
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill('hallpass-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('client-results').locator('li').first().waitFor();
}

/** Collects the page's uncaught errors; a test asserts the list stays empty. */
export function pageErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}
