// End to end, live updates: two browsers signed in as different people; one saves a card and
// the other's list and open card show it without a reload; a card being edited is not
// overwritten but says who changed what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DESK, TABLET, pageErrors, shots, signIn, spawnHub, start, stopHub } from './support.mjs';

let env;

before(async () => {
  env = await start('live');
});

after(async () => {
  await env?.stop();
});

async function openCard(page, name) {
  await page.getByLabel('Search by name or phone').fill(name);
  await page.getByTestId('client-row').filter({ hasText: name }).first().click();
  const card = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name }) });
  await card.getByLabel('Name', { exact: true }).waitFor();
  return card;
}

test('a change saved in one browser shows in the other without reloading', async () => {
  const writerCtx = await env.browser.newContext(DESK);
  const readerCtx = await env.browser.newContext(TABLET);
  const writer = await writerCtx.newPage();
  const reader = await readerCtx.newPage();
  const errors = [...pageErrors(writer), ...pageErrors(reader)];
  await signIn(writer, env.base, 'manager');
  await signIn(reader, env.base, 'reception');

  // Both open the same card; the reader's list shows it too.
  const name = 'Live Test Person';
  const created = await writer.evaluate(async (name) => {
    const token = sessionStorage.getItem('hallpass.session');
    const res = await fetch('/api/client_create', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ client: { name, birth_date: '1988-04-04' } }),
    });
    return res.json();
  }, name);
  assert.ok(created.id, JSON.stringify(created));
  // The reader never searched after it was made: the list hears of it.
  await reader.getByLabel('Search by name or phone').fill('Live Test');
  const readerCard = await openCard(reader, name);
  const writerCard = await openCard(writer, name);

  const renamed = 'Live Test Person-Renamed';
  await writerCard.getByLabel('Name', { exact: true }).fill(renamed);
  await writerCard.getByRole('button', { name: 'Save' }).click();
  await writer.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  // The reader's untouched card and list follow, no reload.
  await reader.getByRole('heading', { name: renamed }).waitFor({ timeout: 5000 });
  assert.equal(await readerCard.getByLabel('Name', { exact: true }).inputValue(), renamed);
  // (On a tablet the list hides behind the open card; it is there all the same.)
  await reader.getByTestId('client-row').filter({ hasText: renamed }).first().waitFor({ state: 'attached', timeout: 5000 });

  // Now the reader starts typing notes; the writer saves the name again.
  const readerNow = reader.getByRole('tabpanel').filter({ has: reader.getByRole('heading', { name: renamed }) });
  await readerNow.getByLabel('Notes', { exact: true }).fill('Typed at the desk, not yet saved');
  const writerNow = writer.getByRole('tabpanel').filter({ has: writer.getByRole('heading', { name: renamed }) });
  await writerNow.getByLabel('Name', { exact: true }).fill('Live Test Person-Third');
  await writerNow.getByRole('button', { name: 'Save' }).click();
  const banner = readerNow.getByRole('alert').filter({ hasText: 'Anna Volkova saved this card meanwhile' });
  await banner.waitFor({ timeout: 5000 });
  assert.match(await banner.textContent(), /Name/);
  // What the reader typed is still there.
  assert.equal(await readerNow.getByLabel('Notes', { exact: true }).inputValue(), 'Typed at the desk, not yet saved');
  await reader.screenshot({ path: join(shots, 'live-changed-meanwhile-tablet.png'), fullPage: true });
  // Taking the saved version drops the typing and shows the third name.
  await banner.getByRole('button', { name: /Show the saved card/ }).click();
  await reader.getByRole('heading', { name: 'Live Test Person-Third' }).waitFor();

  assert.deepEqual(errors, []);
  await writerCtx.close();
  await readerCtx.close();
});

test('a reader whose hub went away resumes from the last id it saw and catches up', async () => {
  // A hub of its own, so it can be stopped and started again on the same address.
  const db = join(env.dir, 'resume.db');
  let { hub, base } = await spawnHub(db);
  const listen = new URL(base).host;
  const ctx = await env.browser.newContext(DESK);
  const page = await ctx.newPage();
  await signIn(page, base, 'reception');
  const state = page.getByTestId('live-state');
  await page.locator('[data-testid=live-state][data-state=live]').waitFor();
  await page.getByLabel('Search by name or phone').fill('Offline Gap');

  // The hub stops; while the reader cannot reach it, another hub on the same database
  // registers a card (as a second server on a shared PostgreSQL would).
  await stopHub(hub);
  await page.locator('[data-testid=live-state][data-state=lost]').waitFor();
  assert.match(await state.textContent(), /Reconnecting/);
  const other = await spawnHub(db);
  const token = await (await fetch(`${other.base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'manager', password: 'hallpass-demo' }) })).json();
  const made = await fetch(`${other.base}/api/client_create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` },
    body: JSON.stringify({ client: { name: 'Offline Gap Person', birth_date: '1980-01-01' } }),
  });
  assert.equal(made.status, 200);
  await stopHub(other.hub);
  ({ hub } = await spawnHub(db, listen));

  // The browser reconnects with the last id it saw; the missed card reaches the list.
  try {
    await page.getByTestId('client-row').filter({ hasText: 'Offline Gap Person' }).waitFor({ timeout: 20000 });
    await page.locator('[data-testid=live-state][data-state=live]').waitFor();
  } finally {
    await ctx.close();
    await stopHub(hub);
  }
});
