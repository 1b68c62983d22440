// The grid in Chromium on the large centre of `cargo bench --bench schedule` (20 rooms open
// 08:00–22:00, a class every hour: 280 classes a day, 1,960 a week, over 100,000 clients and
// 1,000,000 past visits): a hub on a copy of its SQLite file, then the day view of all 20 rooms
// paged day by day, and the week of one room room by room. Prints the time from the click to
// every class drawn (the data fetched included). Run: `./dev bench` (it keeps the file with
// HALLPASS_BENCH_KEEP), or `node e2e/schedule.bench.mjs <schedule.db>`.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
const source = process.argv[2];
if (!source) throw new Error('usage: node e2e/schedule.bench.mjs <schedule.db from the schedule benchmark>');
const hubBin = process.env.HALLPASS_HUB_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug/hallpass-hub');
const dir = mkdtempSync(join(tmpdir(), 'hallpass-grid-'));
copyFileSync(source, join(dir, 'grid.db'));
const hub = spawn(hubBin, ['--db', `sqlite:${join(dir, 'grid.db')}`, '--listen', '127.0.0.1:0', '--ui', join(root, 'ui/dist')], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((ok, fail) => {
  hub.on('exit', (code) => fail(new Error(`the hub exited with ${code}`)));
  hub.stdout.on('data', (chunk) => {
    const m = /on (http:\/\/[^/\s]+)\//.exec(String(chunk));
    if (m) ok(m[1]);
  });
});

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const p95 = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length * 0.95)];

/** Clicks `selector` in the page and waits until at least `n` classes are drawn, none of them
 * one drawn before the click (the next day's or week's, not the last frame's); ms taken. */
async function timed(page, selector, n) {
  return page.evaluate(
    ([selector, n]) =>
      new Promise((done, fail) => {
        const cells = () => [...document.querySelectorAll('[data-testid="class-cell"]')];
        const before = new Set(cells().map((c) => c.dataset.occurrence));
        const t0 = performance.now();
        document.querySelector(selector).click();
        const check = () => {
          const now = cells();
          if (now.length >= n && now.every((c) => !before.has(c.dataset.occurrence))) {
            requestAnimationFrame(() => done(performance.now() - t0));
          } else if (performance.now() - t0 > 60_000) {
            fail(new Error(`after 60 s: ${now.length} classes drawn, ${now.filter((c) => before.has(c.dataset.occurrence)).length} of them from before`));
          } else requestAnimationFrame(check);
        };
        check();
      }),
    [selector, n],
  );
}

let page;
try {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' });
  await page.goto(base);
  await page.getByLabel('Login').fill('manager');
  await page.getByLabel('Password').fill('hallpass-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Schedule', exact: true }).click();
  await page.getByTestId('class-cell').nth(200).waitFor({ timeout: 60_000 });
  const day = [];
  for (let i = 0; i < 10; i++) day.push(await timed(page, 'button[aria-label="Later"]', 280));
  const cells = await page.getByTestId('class-cell').count();
  console.log(`grid: day view, ${cells} classes in 20+ rooms: median ${median(day).toFixed(0)} ms, p95 ${p95(day).toFixed(0)} ms from click to drawn (10 days)`);
  await page.getByRole('button', { name: 'Week', exact: true }).click();
  await page.getByLabel('Whose classes').selectOption({ label: 'Hall 0' });
  await page.getByTestId('class-cell').nth(90).waitFor({ timeout: 60_000 });
  const week = [];
  for (let i = 0; i < 10; i++) week.push(await timed(page, 'button[aria-label="Later"]', 98));
  console.log(`grid: week of one room, ${await page.getByTestId('class-cell').count()} classes: median ${median(week).toFixed(0)} ms, p95 ${p95(week).toFixed(0)} ms from click to drawn (10 weeks)`);
  await browser.close();
} catch (e) {
  await page?.screenshot({ path: join(root, 'ui/test-results/schedule-bench-failed.png') });
  throw e;
} finally {
  hub.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
}
