// Scrolling the client list at 100,000 clients in Chromium: a real hub on a fresh SQLite file,
// 100,000 clients imported through the API, then the list flung downwards for ten seconds
// (pages load as it goes). Prints frames drawn, frames dropped (a frame took over 1.5 × 16.7 ms)
// and the rows reached. Run: `./dev bench` (or `node e2e/scroll.bench.mjs` with
// HALLPASS_HUB_BIN and CHROMIUM set).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
const hubBin = process.env.HALLPASS_HUB_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug/hallpass-hub');
const dir = mkdtempSync(join(tmpdir(), 'hallpass-scroll-'));
const hub = spawn(hubBin, ['--db', `sqlite:${join(dir, 'scroll.db')}`, '--listen', '127.0.0.1:0', '--ui', join(root, 'ui/dist'), '--demo'], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((ok, fail) => {
  hub.on('exit', (code) => fail(new Error(`the hub exited with ${code}`)));
  hub.stdout.on('data', (chunk) => {
    const m = /on (http:\/\/[^/\s]+)\//.exec(String(chunk));
    if (m) ok(m[1]);
  });
});

async function call(op, token, args) {
  const res = await fetch(`${base}/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(args),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${op}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

try {
  const { token } = await call('login', null, { login: 'manager', password: 'hallpass-demo' });
  const given = ['Anna', 'Khamla', 'Sophea', 'Ivan', 'Dara', 'Malee', 'Liam', 'Noy', 'Elena', 'Vanna'];
  const family = ['Keomany', 'Sok', 'Petrov', 'Vongsa', 'Smith', 'Chan', 'Ivanova', 'Inthavong'];
  for (const part of [0, 1]) {
    const lines = ['Name;Phone;Birth date'];
    for (let i = part * 50_000; i < (part + 1) * 50_000; i++) {
      lines.push(`${given[i % 10]} ${family[(i >> 3) % 8]} ${i};030 ${String(5000 + ((i / 10_000) | 0)).padStart(4, '0')} ${String(i % 10_000).padStart(4, '0')};${1960 + (i % 40)}-0${1 + (i % 9)}-1${i % 9}`);
    }
    const content = Buffer.from(lines.join('\n')).toString('base64');
    const r = await call('clients_import', token, { file_name: `part${part}.csv`, content });
    if (!r.committed) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
  }
  const { total } = await call('clients_count', token, {});
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
  await page.goto(base);
  await page.getByLabel('Login').fill('reception');
  await page.getByLabel('Password').fill('hallpass-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('client-row').first().waitFor();
  const result = await page.evaluate(async () => {
    const rows = document.querySelector('[data-testid="client-results"]');
    const frames = [];
    const until = performance.now() + 10_000;
    await new Promise((done) => {
      const step = (t) => {
        frames.push(t);
        rows.scrollTop += 600; // a hard fling: about 11 rows a frame
        if (t < until) requestAnimationFrame(step);
        else done();
      };
      requestAnimationFrame(step);
    });
    const deltas = frames.slice(1).map((t, i) => t - frames[i]);
    const dropped = deltas.filter((d) => d > 25).length;
    const mounted = rows.querySelectorAll('li').length;
    const last = [...rows.querySelectorAll('li')].pop()?.textContent ?? '';
    return { frames: deltas.length, dropped, worst: Math.max(...deltas), mounted, last };
  });
  const reached = await page.evaluate(() => {
    const rows = document.querySelector('[data-testid="client-results"]');
    return Math.round(rows.scrollTop / 52);
  });
  console.log(`clients: ${total}; frames ${result.frames}, dropped ${result.dropped} (${((100 * result.dropped) / result.frames).toFixed(1)} %), worst ${result.worst.toFixed(1)} ms; rows scrolled past ${reached}; rows mounted at the end ${result.mounted}`);
  await browser.close();
} finally {
  hub.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
}
