// End to end, client base: a child registered with a guardian (and refused without one), a
// Windows-1251 list imported with its bad lines reported, clients found by the last digits
// of a phone and by a misspelt name; at desk size and on a 10-inch tablet with touch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DESK, TABLET, shots, signIn as signInAt, start } from './support.mjs';

let browser, base, env;

before(async () => {
  env = await start('clients');
  ({ browser, base } = env);
});

after(async () => {
  await env?.stop();
});

const signIn = (page, login) => signInAt(page, base, login);

/** Windows-1251 bytes of Russian text (Cyrillic, Ё/ё; ASCII as is). */
function cp1251(text) {
  const out = [];
  for (const ch of text) {
    const c = ch.codePointAt(0);
    if (c < 128) out.push(c);
    else if (c >= 0x410 && c <= 0x44f) out.push(c - 0x410 + 0xc0);
    else if (c === 0x401) out.push(0xa8);
    else if (c === 0x451) out.push(0xb8);
    else out.push(0x3f);
  }
  return Buffer.from(out);
}

for (const [size, options] of [['desk', DESK], ['tablet', TABLET]]) {
  test(`${size}: a 9-year-old needs a guardian; registered with one, the family shows on the card`, async () => {
    const page = await browser.newPage(options);
    const press = (locator) => (options.hasTouch ? locator.tap() : locator.click());
    await signIn(page, 'reception');
    await press(page.getByRole('button', { name: /New client/ }));
    const card = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'New client' }) });
    await card.getByLabel('Name', { exact: true }).fill(`Mali Child-${size}`);
    // A half-typed impossible date is an error at the field, not a blank.
    const birth = card.getByLabel('Birth date');
    await birth.focus();
    await page.keyboard.type('02302019');
    await press(card.getByRole('button', { name: 'Save' }));
    await card.getByText('Not a real date').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'birth_date', 'focus moves to the bad field');

    await birth.fill('2017-03-04');
    await card.getByText('Under 18: at least one parent or guardian with a phone.').waitFor();
    await press(card.getByRole('button', { name: 'Save' }));
    await card.getByText('A child under 18 needs a guardian with a phone').waitFor();
    await page.screenshot({ path: join(shots, `child-needs-guardian-${size}.png`) });

    await press(card.getByRole('button', { name: /Add a guardian/ }).first());
    await card.getByLabel("Guardian's name").fill(`Khamla Parent-${size}`);
    await card.getByLabel("Guardian's phone").fill(size === 'desk' ? '020 5999 1001' : '020 5999 1002');
    await press(card.getByRole('button', { name: 'Save' }));
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const saved = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: `Mali Child-${size}` }) });
    await saved.getByText(`Khamla Parent-${size}`).first().waitFor();
    await page.screenshot({ path: join(shots, `child-registered-${size}.png`), fullPage: true });
    // The list at this size: no horizontal overflow.
    await press(page.getByRole('tab', { name: 'Clients' }));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: join(shots, `clients-${size}.png`) });
    await page.close();
  });
}

test('find a client by the last four digits of a phone and by a misspelt name', async () => {
  const page = await browser.newPage(DESK);
  await signIn(page, 'reception');
  const search = page.getByLabel('Search by name or phone');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'client-search', 'the search field has focus');
  const first = page.getByTestId('client-row').first();
  const name = (await first.locator('.name').textContent()).trim();
  const phone = (await first.locator('.phone').textContent()).replace(/\D/g, '');
  await search.fill(phone.slice(-4));
  await page.getByTestId('client-results').getByRole('button', { name: new RegExp(name) }).first().waitFor();
  // Misspelt: a letter dropped from the family name.
  const family = name.split(' ').pop();
  const typo = family.slice(0, 2) + family.slice(3);
  await search.fill(typo);
  await page.getByText('names matched allowing for a typo').waitFor();
  await page.getByTestId('client-results').getByRole('button', { name: new RegExp(family) }).first().waitFor();
  // Keyboard: arrow down and Enter open the first match.
  await search.press('ArrowDown');
  await search.press('Enter');
  await page.getByRole('heading', { name: new RegExp(family) }).waitFor();
  await page.screenshot({ path: join(shots, 'search-typo.png') });
  await page.close();
});

test('a Windows-1251 list with bad lines: each reported at its line, then imported skipping them', async () => {
  const page = await browser.newPage(DESK);
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Import' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import clients' });
  const csv = [
    'Список клиентов;;;;',
    'ФИО;Телефон;Дата рождения;Родитель;Примечание',
    'Иванова Анна Сергеевна;020 5888 1201;14.03.1988;;"Любит ""утренние"" занятия"',
    'Петров Миша;;01.02.2017;Петрова Ольга (мама), 020 5888 1202;',
    'Сидоров Коля;;31.02.2016;;',
    'Ким Алексей;восемь семьсот;1990-05-05;;',
    'Ли Дина;;10.10.2018',
    'Итого: 5;;;;',
  ].join('\r\n');
  await dialog.locator('input[type=file]').setInputFiles({ name: 'clients-1251.csv', mimeType: 'text/csv', buffer: cp1251(csv) });
  await dialog.getByTestId('import-summary').waitFor();
  assert.match(await dialog.getByTestId('import-summary').textContent(), /5 lines: 2 ready, 3 with problems/);
  assert.match(await dialog.getByTestId('import-summary').textContent(), /windows-1251/);
  const rows = dialog.getByTestId('import-errors').locator('tbody tr');
  assert.equal(await rows.count(), 3);
  const lines = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(lines.map((l) => [l[0], l[1]]), [['5', 'Дата рождения'], ['6', 'Телефон'], ['7', 'Дата рождения']]);
  assert.equal(lines[0][2], 'Not a real date');
  await page.screenshot({ path: join(shots, 'import-errors.png') });
  const commit = dialog.getByRole('button', { name: /Import 2 clients/ });
  assert.equal(await commit.isDisabled(), true, 'bad lines refuse the whole file until skipping is chosen');
  await dialog.getByLabel('Skip the lines with problems').check();
  await commit.click();
  await dialog.getByRole('status').filter({ hasText: 'Imported 2 clients and 1 guardians.' }).waitFor();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByLabel('Search by name or phone').fill('Петров Миша');
  await page.getByTestId('client-results').getByRole('button', { name: /Петров Миша/ }).waitFor();
  await page.close();
});

/** Calls the hub's API directly (to prepare data a test starts from). */
async function call(op, token, args) {
  const res = await fetch(`${base}/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(args),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${op}: ${JSON.stringify(body)}`);
  return body;
}

test('merge two duplicates and see the history of both on the kept card', async () => {
  const { token } = await call('login', null, { login: 'manager', password: 'hallpass-demo' });
  const card = (note) => ({ client: { name: 'Dara Duplicate', birth_date: '1991-05-05', phones: [{ kind: 'mobile', number: '020 5777 4242' }], notes: note }, allow_duplicate: true });
  const a = await call('client_create', token, card('Came in March'));
  const b = await call('client_create', token, card('Pays by transfer'));
  for (const [id, text] of [[a.id, 'Asked about yoga for beginners'], [b.id, 'Called to move her class to Friday']]) {
    await call('client_timeline_add', token, { client_id: id, entry: { kind: 'contact', channel: 'call', body: text } });
  }
  const page = await browser.newPage(DESK);
  await signIn(page, 'manager');
  await page.getByLabel('Search by name or phone').fill('Dara Duplicate');
  await page.getByTestId('client-results').getByRole('button', { name: /Dara Duplicate/ }).first().click();
  const panel = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'Dara Duplicate' }) });
  await panel.getByRole('button', { name: 'Merge with a duplicate…' }).click();
  const dialog = page.getByRole('dialog', { name: /Merge a duplicate/ });
  await dialog.getByRole('radio').first().check();
  await dialog.getByRole('button', { name: 'Merge' }).click();
  await panel.getByRole('status').filter({ hasText: 'Merged.' }).waitFor();
  const timeline = panel.getByTestId('timeline');
  await timeline.getByText('Asked about yoga for beginners').waitFor();
  await timeline.getByText('Called to move her class to Friday').waitFor();
  await timeline.getByText('Merged with Dara Duplicate').waitFor();
  assert.match(await panel.getByLabel('Notes', { exact: true }).inputValue(), /Came in March[\s\S]*Pays by transfer|Pays by transfer[\s\S]*Came in March/);
  await page.screenshot({ path: join(shots, 'merged.png'), fullPage: true });
  // One card left.
  await page.getByRole('tab', { name: 'Clients' }).click();
  await page.getByLabel('Search by name or phone').fill('Dara Duplicate');
  await page.getByTestId('client-total').filter({ hasText: '1 client' }).waitFor();
  await page.close();
});

test('an expired session asks for the password again over the open card; nothing typed is lost', async () => {
  const page = await browser.newPage(DESK);
  await signIn(page, 'reception');
  await page.getByRole('button', { name: /New client/ }).click();
  const card = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'New client' }) });
  await card.getByLabel('Name', { exact: true }).fill('Kept Through Expiry');
  // The session ends on the server, as it does at expiry: the live feed says so at once,
  // before anything is saved.
  const token = await page.evaluate(() => sessionStorage.getItem('hallpass.session'));
  await call('logout', token, {});
  const again = page.getByRole('dialog', { name: 'Your session has ended' });
  await again.getByLabel('Login').fill('reception');
  await again.getByLabel('Password').fill('hallpass-demo');
  await again.getByRole('button', { name: 'Sign in' }).click();
  await again.waitFor({ state: 'detached' });
  assert.equal(await card.getByLabel('Name', { exact: true }).inputValue(), 'Kept Through Expiry');
  await card.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await page.close();
});

test('with many tabs open on a tablet, the active tab stays in sight', async () => {
  const page = await browser.newPage(TABLET);
  await signIn(page, 'reception');
  const rows = page.getByTestId('client-row');
  for (let i = 0; i < 9; i++) {
    await rows.nth(i).tap();
    await page.getByRole('tab', { name: 'Clients' }).tap();
  }
  await rows.nth(9).tap();
  await page.waitForTimeout(300);
  const inSight = await page.evaluate(() => {
    const bar = document.querySelector('[role=tablist]');
    const tab = bar.querySelector('.tab.active');
    const b = bar.getBoundingClientRect();
    const r = tab.getBoundingClientRect();
    return r.left >= b.left - 1 && r.right <= b.right + 1;
  });
  assert.ok(inSight, 'the active tab is scrolled into the tab bar');
  await page.screenshot({ path: join(shots, 'many-tabs-tablet.png') });
  await page.close();
});

test("the centre's own fields on the card: checked at their field, saved as written back", async () => {
  const page = await browser.newPage(DESK);
  await signIn(page, 'reception');
  await page.getByRole('button', { name: /New client/ }).click();
  const card = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'New client' }) });
  await card.getByLabel('Name', { exact: true }).fill('Custom Fields Person');
  await card.getByLabel('Swimming level').selectOption('Advanced');
  await card.getByLabel('Shoe size').fill('forty');
  await card.getByRole('button', { name: 'Save' }).click();
  await card.getByText('Not a number').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('inputmode')), 'decimal', 'focus on the bad field');
  await card.getByLabel('Shoe size').fill('38,5');
  await card.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  const saved = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'Custom Fields Person' }) });
  assert.equal(await saved.getByLabel('Shoe size').inputValue(), '38.5');
  assert.equal(await saved.getByLabel('Swimming level').inputValue(), 'Advanced');
  await page.close();
});
