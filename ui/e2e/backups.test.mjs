// End to end, backups: the owner backs up from the settings, a card is made afterwards, and
// restoring the backup (after a confirmation) takes it away again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DESK, pageErrors, shots, signIn, start } from './support.mjs';

let env;

before(async () => {
  env = await start('backups');
});

after(async () => {
  await env?.stop();
});

test('the owner backs up, then restores the backup after confirming', async () => {
  const page = await env.browser.newPage(DESK);
  const errors = pageErrors(page);
  page.on('dialog', (d) => d.accept());
  await signIn(page, env.base, 'owner');
  await page.getByRole('button', { name: 'Settings' }).click();
  const panel = page.getByRole('region', { name: 'Backups' });
  await panel.getByRole('button', { name: 'Back up now' }).click();
  await panel.getByRole('status').filter({ hasText: /made and checked/ }).waitFor({ timeout: 20000 });
  const before = await panel.getByTestId('backups').locator('li').count();
  assert.ok(before >= 1);

  await page.evaluate(async () => {
    const token = sessionStorage.getItem('hallpass.session');
    await fetch('/api/client_create', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ client: { name: 'After Backup Person', birth_date: '1990-03-03' } }) });
  });
  await panel.getByTestId('backups').locator('li').first().getByRole('button', { name: 'Restore…' }).click();
  await panel.getByRole('button', { name: 'Restore this backup' }).click();
  await panel.getByRole('status').filter({ hasText: /Restored .* The state before it is kept as/ }).waitFor({ timeout: 20000 });
  await page.screenshot({ path: join(shots, 'backups-desk.png'), fullPage: true });
  const found = await page.evaluate(async () => {
    const token = sessionStorage.getItem('hallpass.session');
    const res = await fetch('/api/clients_search', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: 'After Backup Person' }) });
    return (await res.json()).items.length;
  });
  assert.equal(found, 0, 'the card made after the backup is gone');
  assert.deepEqual(errors, []);
  await page.close();
});
