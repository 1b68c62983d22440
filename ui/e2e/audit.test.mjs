// End to end, the audit view: a card's change shows as before → after; a review marks where
// the next look starts; the hash chain checks out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DESK, pageErrors, shots, signIn, start } from './support.mjs';

let env;

before(async () => {
  env = await start('audit');
});

after(async () => {
  await env?.stop();
});

test('a manager reads who changed what, marks the review and checks the chain', async () => {
  const page = await env.browser.newPage(DESK);
  const errors = pageErrors(page);
  await signIn(page, env.base, 'manager');
  // A change to audit: a card renamed.
  await page.evaluate(async () => {
    const token = sessionStorage.getItem('hallpass.session');
    const call = async (op, args) => (await fetch(`/api/${op}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(args) })).json();
    const c = await call('client_create', { client: { name: 'Audit Before', birth_date: '1990-02-02' } });
    await call('client_update', { id: c.id, version: c.version, client: { name: 'Audit After', birth_date: '1990-02-02' } });
  });
  await page.getByRole('button', { name: 'Audit log' }).click();
  const rows = page.getByTestId('audit-rows');
  const update = rows.locator('li').filter({ hasText: 'client update' }).first();
  await update.waitFor();
  const diff = update.getByRole('row').filter({ hasText: 'name' });
  assert.match(await diff.textContent(), /Audit Before\s*→\s*Audit After/);
  assert.match(await update.textContent(), /Anna Volkova/);
  await page.screenshot({ path: join(shots, 'audit-desk.png'), fullPage: true });

  await page.getByLabel('Review note').fill('November checked');
  await page.getByRole('button', { name: /Mark reviewed up to/ }).click();
  await page.getByRole('status').filter({ hasText: 'Review recorded' }).waitFor();
  await page.getByText(/Last reviewed by Anna Volkova/).waitFor();
  await page.getByLabel('Only since the last review').check();
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  // Only the review itself follows it (the list may still show the earlier rows for a moment:
  // the review arrived there live before the filtered list replaced it).
  await rows.locator('li').filter({ hasText: 'audit mark reviewed' }).waitFor();
  await rows.locator('li').filter({ hasText: 'client update' }).first().waitFor({ state: 'detached' });
  assert.equal(await rows.locator('li').filter({ hasText: 'client update' }).count(), 0);

  await page.getByRole('button', { name: 'Check the log' }).click();
  await page.getByRole('status').filter({ hasText: /Intact: all \d+ entries/ }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
