// End to end, the client card: the centre's layout arranged by keyboard and followed by the
// card, a photo uploaded and shown, the family around a child, at desk and tablet sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DESK, TABLET, pageErrors, shots, signIn, start } from './support.mjs';

let env;

before(async () => {
  env = await start('card');
});

after(async () => {
  await env?.stop();
});

// A 2×2 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');

test('a manager moves medical notes to the top group by keyboard; the card follows the layout', async () => {
  const page = await env.browser.newPage(DESK);
  await signIn(page, env.base, 'manager');
  await page.getByRole('button', { name: 'Settings' }).click();
  const editor = page.getByRole('region', { name: 'Card layout' });
  const field = editor.getByRole('button', { name: 'Medical notes', exact: true });
  await field.focus();
  // Alt+↑ twice: from Health to Family, then to the end of Contacts; then once more to Client.
  for (let i = 0; i < 3; i++) await page.keyboard.press('Alt+ArrowUp');
  const main = editor.getByRole('group', { name: 'Client' });
  await main.getByRole('button', { name: 'Medical notes', exact: true }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim().endsWith('Medical notes')), true, 'focus stays on the moved field');
  // ↑ within the group: one place up.
  await page.keyboard.press('ArrowUp');
  const order = await main.locator('li .field').allTextContents();
  assert.equal(order.at(-2).trim().endsWith('Medical notes'), true, order.join(' | '));
  await editor.getByRole('button', { name: 'Save the layout' }).click();
  await editor.getByRole('status').filter({ hasText: 'Layout saved' }).waitFor();
  await page.screenshot({ path: join(shots, 'layout-editor-desk.png'), fullPage: true });

  await page.getByRole('button', { name: 'Clients' }).first().click();
  await page.getByTestId('client-results').locator('li').first().click();
  const card = page.getByRole('tabpanel').filter({ has: page.locator('form.card') }).last();
  const first = card.getByRole('region', { name: 'Client' });
  await first.getByLabel('Medical notes').waitFor();
  assert.equal(await card.getByRole('region', { name: 'Health' }).getByLabel('Medical notes').count(), 0);
  await page.close();
});

for (const [size, options] of [['desk', DESK], ['tablet', TABLET]]) {
  test(`${size}: a photo is uploaded to a new card and shown; a text file named .png is refused at the photo`, async () => {
    const page = await env.browser.newPage(options);
    const errors = pageErrors(page);
    await signIn(page, env.base, 'reception');
    const press = (l) => (options.hasTouch ? l.tap() : l.click());
    await press(page.getByRole('button', { name: /New client/ }));
    const card = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'New client' }) });
    const file = card.locator('input[type=file]');
    await file.setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('not really a picture') });
    await card.locator('.photo').getByRole('alert').waitFor();
    await file.setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await card.getByRole('img', { name: "The client's photo" }).waitFor();
    await card.getByLabel('Name', { exact: true }).fill(`Photo Person ${size}`);
    await card.getByLabel('Birth date').fill('1990-02-03');
    // The age category follows the birth date as it is typed, before anything is saved.
    await card.getByText(/^Age category: /).waitFor();
    await card.getByLabel('Number', { exact: true }).fill(size === 'desk' ? '020 5888 1201' : '020 5888 1202');
    await card.getByLabel('Tags').fill('photo, vip');
    await press(card.getByRole('button', { name: 'Save' }));
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const saved = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: `Photo Person ${size}` }) });
    await saved.getByRole('img', { name: "The client's photo" }).waitFor();
    assert.equal(await saved.getByLabel('Tags').inputValue(), 'photo, vip');
    // Dates are written in the app's language (English here: month first).
    assert.equal(await saved.getByLabel('Birth date').inputValue(), '02/03/1990');
    await page.screenshot({ path: join(shots, `card-photo-${size}.png`), fullPage: true });
    assert.deepEqual(errors, [], 'no script errors on the card');
    await page.close();
  });
}

test("the family view: a child's guardians and who pays, and the parent's card lists the child", async () => {
  const page = await env.browser.newPage(TABLET);
  await signIn(page, env.base, 'reception');
  // The demo centre's families: a child with a guardian, through the list's filter.
  const filters = page.getByRole('group', { name: 'Filters' });
  if (!(await filters.getByLabel('Guardian').isVisible())) await page.getByRole('button', { name: /Filters/ }).tap();
  await filters.getByLabel('Guardian').selectOption({ label: 'Has a guardian' });
  await page.waitForTimeout(400);
  await page.getByTestId('client-results').locator('li').first().tap();
  const family = page.getByRole('region', { name: 'Family' }).last();
  await family.waitFor();
  const guardian = family.getByRole('button').first();
  const guardianName = (await guardian.textContent()).trim();
  await family.getByText('pays', { exact: true }).first().waitFor();
  await guardian.tap();
  const parent = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: guardianName }) });
  await parent.getByRole('region', { name: 'Family' }).getByText(/pays for/).first().waitFor();
  await page.screenshot({ path: join(shots, 'family-tablet.png'), fullPage: true });
  await page.close();
});

test('an observation with an attached file goes on the timeline; a file that is not allowed is refused by name', async () => {
  const page = await env.browser.newPage(DESK);
  await signIn(page, env.base, 'instructor');
  await page.getByTestId('client-results').locator('li').first().click();
  const timeline = page.getByRole('region', { name: 'History' }).last();
  const file = timeline.locator('input[type=file]');
  await file.setInputFiles({ name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ\x90\x00 not for a client card') });
  await timeline.getByRole('alert').filter({ hasText: 'tool.exe' }).waitFor();
  await file.setInputFiles({ name: 'progress.png', mimeType: 'image/png', buffer: PNG });
  await timeline.getByText('progress.png').waitFor();
  await timeline.getByLabel('What happened').fill('Swam 25 m without a board');
  await timeline.getByRole('button', { name: 'Add to history' }).click();
  const entry = timeline.getByTestId('timeline').locator('li').first();
  await entry.getByText('Swam 25 m without a board').waitFor();
  await entry.getByRole('button', { name: /progress\.png/ }).waitFor();
  await page.close();
});

test('a company with two contact persons: one written in, one found on file; the person shows the company', async () => {
  const page = await env.browser.newPage(DESK);
  const errors = pageErrors(page);
  await signIn(page, env.base, 'reception');
  await page.getByRole('button', { name: /New client/ }).click();
  const card = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'New client' }) });
  await card.getByLabel('A company').check();
  assert.equal(await card.getByLabel('Birth date').count(), 0, 'a company has no birth date');
  await card.getByLabel('Name', { exact: true }).fill('Vientiane Swim Supplies');
  await card.getByLabel('Number', { exact: true }).fill('021 555 777');
  await card.getByRole('button', { name: '+ Add a contact person' }).click();
  await card.getByLabel('Contact person').fill('Somchai Director');
  await card.getByLabel('Their phone').fill('020 5888 9911');
  await card.getByLabel('Role').first().fill('Director');
  await card.getByPlaceholder('Or find a person already on file').fill('Anna');
  await card.locator('.found button').first().click();
  await card.getByLabel('Role').nth(1).fill('Accountant');
  await card.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  const saved = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'Vientiane Swim Supplies' }) });
  await saved.getByText('Somchai Director').waitFor();
  await saved.getByLabel('Tax number').fill('LA-0123456');
  await saved.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await page.getByRole('tab', { name: 'Clients' }).click();
  await page.getByLabel('Search by name or phone').fill('Somchai Director');
  await page.getByTestId('client-results').getByRole('button', { name: /Somchai Director/ }).first().click();
  const person = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'Somchai Director' }) });
  await person.getByRole('button', { name: 'Vientiane Swim Supplies' }).waitFor();
  assert.deepEqual(errors, [], 'no script errors (an empty date field of the centre included)');
  await page.close();
});

test('health notes: an instructor sees them on the card, a receptionist does not, and saving does not wipe them', async () => {
  const open = async (login) => {
    const page = await env.browser.newPage(DESK);
    await signIn(page, env.base, login);
    await page.getByLabel('Search by name or phone').fill('Medical Notes Person');
    await page.getByTestId('client-results').getByRole('button', { name: /Medical Notes Person/ }).first().click();
    const card = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'Medical Notes Person' }) });
    await card.getByLabel('Name', { exact: true }).waitFor();
    return { page, card };
  };
  // A manager writes the card with a medical note.
  const mgr = await env.browser.newPage(DESK);
  await signIn(mgr, env.base, 'manager');
  await mgr.getByRole('button', { name: /New client/ }).click();
  const card = mgr.getByRole('tabpanel').filter({ has: mgr.getByRole('heading', { name: 'New client' }) });
  await card.getByLabel('Name', { exact: true }).fill('Medical Notes Person');
  await card.getByLabel('Birth date').fill('1985-04-05');
  await card.getByLabel('Number', { exact: true }).fill('020 5888 3303');
  await card.getByLabel('Medical notes').fill('Asthma: inhaler in the bag');
  await card.getByRole('button', { name: 'Save' }).click();
  await mgr.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await mgr.close();

  const rec = await open('reception');
  assert.equal(await rec.card.getByLabel('Medical notes').count(), 0, 'no medical notes for reception');
  assert.equal(await rec.card.getByText('Asthma').count(), 0);
  await rec.card.getByLabel('Notes', { exact: true }).fill('Prefers evening classes');
  await rec.card.getByRole('button', { name: 'Save' }).click();
  await rec.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await rec.page.close();

  const ins = await open('instructor');
  assert.equal(await ins.card.getByLabel('Medical notes').inputValue(), 'Asthma: inhaler in the bag', 'kept through the receptionist’s save');
  await ins.page.close();
});
