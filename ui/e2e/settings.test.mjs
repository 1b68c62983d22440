// End to end, the client settings a manager keeps: categories with their discount, age
// categories, the centre's own fields; each mistake shown at its field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DESK, TABLET, shots, signIn, start } from './support.mjs';

let env;

before(async () => {
  env = await start('settings');
});

after(async () => {
  await env?.stop();
});

test('a manager adds a category with a discount, an age category and a field that then shows on cards', async () => {
  const page = await env.browser.newPage(DESK);
  await signIn(page, env.base, 'manager');
  await page.getByRole('button', { name: 'Settings' }).click();

  const cats = page.getByRole('region', { name: 'Client categories' });
  await cats.getByRole('button', { name: '+ Add a category' }).click();
  await cats.getByLabel('Name').fill('Student');
  await cats.getByLabel('Discount').selectOption({ label: 'Fixed percent' });
  await cats.getByLabel('Percent').fill('ten');
  await cats.getByRole('button', { name: 'Save the category' }).click();
  await cats.getByText('A percentage from 0.01 to 100').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'cat-percent', 'focus on the bad percent');
  await cats.getByLabel('Percent').fill('12.5');
  await cats.getByRole('button', { name: 'Save the category' }).click();
  await cats.getByRole('status').filter({ hasText: 'Category saved' }).waitFor();
  await cats.getByRole('button', { name: 'Student', exact: true }).waitFor();

  const bands = page.getByRole('form', { name: 'Age categories' });
  await bands.getByRole('button', { name: '+ Add a category' }).click();
  const last = bands.locator('tbody tr').last();
  await last.locator('input').nth(0).fill('Seniors');
  await last.locator('input').nth(1).fill('sixty');
  await bands.getByRole('button', { name: 'Save age categories' }).click();
  await bands.getByText('Whole years, e.g. 7').waitFor();
  await last.locator('input').nth(1).fill('65');
  // The bands must not overlap: the adults' band now ends where the seniors' begins.
  await bands.getByRole('button', { name: 'Save age categories' }).click();
  // Refused at the adults' open upper age, the row before the new one.
  const adults = bands.locator('tbody tr').nth(-2);
  await adults.getByRole('alert').waitFor();
  await adults.locator('input').nth(2).fill('65');
  await bands.getByRole('button', { name: 'Save age categories' }).click();
  await bands.getByRole('status').filter({ hasText: 'Age categories saved' }).waitFor();

  const fields = page.getByRole('region', { name: "The centre's own fields" });
  await fields.getByRole('button', { name: '+ Add a field' }).click();
  await fields.getByLabel('Label').fill('Allergies checked');
  await fields.getByLabel('Kind').selectOption({ label: 'Yes / no' });
  await fields.getByRole('button', { name: 'Save the field' }).click();
  await fields.getByRole('status').filter({ hasText: 'Field saved' }).waitFor();
  await page.screenshot({ path: join(shots, 'settings-clients-desk.png') });

  await page.getByRole('button', { name: 'Clients' }).first().click();
  await page.getByRole('button', { name: /New client/ }).click();
  const card = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'New client' }) });
  await card.getByLabel('Allergies checked').waitFor();
  await card.getByLabel('Category').selectOption({ label: 'Student' });
  await page.close();
});

test('tablet: the settings screens fit and respond to touch', async () => {
  const page = await env.browser.newPage(TABLET);
  await signIn(page, env.base, 'manager');
  await page.getByRole('button', { name: 'Settings' }).tap();
  const fields = page.getByRole('region', { name: "The centre's own fields" });
  await fields.getByRole('button', { name: '+ Add a field' }).tap();
  await fields.getByLabel('Label').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  assert.equal(overflow, false, 'nothing overflows sideways');
  await page.screenshot({ path: join(shots, 'settings-clients-tablet.png') });
  await page.close();
});
