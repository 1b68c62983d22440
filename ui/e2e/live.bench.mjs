// Benchmark: a change made in one browser window, shown in another. Window A (a manager)
// renames a card 40 times; window B (reception, its list searched to that card) watches its
// list. For each rename: from A sending the save to B's list showing the new name (the save,
// the event over the hub's stream, B's list reloading, the paint), on one clock. Prints median,
// p95 and the worst. Run: `./dev bench` (or `node e2e/live.bench.mjs` with HALLPASS_HUB_BIN).
import { DESK, signIn, start } from './support.mjs';

const ROUNDS = 40;
const env = await start('live-bench');
try {
  const a = await (await env.browser.newContext(DESK)).newPage();
  const b = await (await env.browser.newContext(DESK)).newPage();
  await signIn(a, env.base, 'manager');
  await signIn(b, env.base, 'reception');
  const call = (page, op, args) =>
    page.evaluate(
      async ([op, args]) => {
        const token = sessionStorage.getItem('hallpass.session');
        const res = await fetch(`/api/${op}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(args) });
        return res.json();
      },
      [op, args],
    );
  let card = await call(a, 'client_create', { client: { name: 'Bench Live 0', birth_date: '1990-01-01' } });
  await b.getByLabel('Search by name or phone').fill('Bench Live');
  await b.getByTestId('client-row').filter({ hasText: 'Bench Live 0' }).waitFor();

  const times = [];
  for (let n = 1; n <= ROUNDS; n++) {
    const name = `Bench Live ${n}`;
    // B notes the moment its list first shows the new name.
    const seen = b.evaluate(
      (name) =>
        new Promise((done) => {
          const at = () => performance.timeOrigin + performance.now();
          const has = () => [...document.querySelectorAll('[data-testid=client-row]')].some((r) => r.textContent?.includes(name));
          if (has()) return done(at());
          const obs = new MutationObserver(() => {
            if (has()) {
              obs.disconnect();
              done(at());
            }
          });
          obs.observe(document.body, { subtree: true, childList: true, characterData: true });
        }),
      name,
    );
    const sent = await a.evaluate(() => performance.timeOrigin + performance.now());
    card = await call(a, 'client_update', { id: card.id, version: card.version, client: { name, birth_date: '1990-01-01' } });
    times.push((await seen) - sent);
    await new Promise((r) => setTimeout(r, 100));
  }
  times.sort((x, y) => x - y);
  const pct = (p) => times[Math.round((times.length - 1) * p)];
  console.log(`change in window A → shown in window B's list (${ROUNDS} saves, loopback hub on SQLite): median ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms`);
} finally {
  await env.stop();
}
