// End to end, money at the desk: a pensioner buys an 8-class pass with her category's
// discount and pays half; the card shows the debt and the unpaid flag, the client list on a
// manager's screen flags her too; she pays the rest and both screens clear.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { DESK, TABLET, api, pageErrors, shots, signIn, start } from './support.mjs';

let env;

before(async () => {
  env = await start('money');
});

after(async () => {
  await env?.stop();
});

async function openCard(page, name) {
  await page.getByLabel('Search by name or phone').fill(name);
  await page.getByTestId('client-row').filter({ hasText: name }).first().click();
  return page.getByRole('region', { name: 'Passes and payments' });
}

test('sell a pass with a discount, pay half, see the debt and the flag, pay the rest', async () => {
  const desk = await env.browser.newPage(DESK);
  const errors = pageErrors(desk);
  await signIn(desk, env.base, 'reception');
  const categories = await api(desk, 'client_categories_list', {});
  const pensioner = categories.find((c) => c.name === 'Pensioner');
  await api(desk, 'client_create', { client: { name: 'Mira Pensioner', birth_date: '1950-05-05', category_id: pensioner.id }, allow_duplicate: true });

  const money = await openCard(desk, 'Mira Pensioner');
  await money.getByText('No passes yet.').waitFor();
  await money.getByRole('button', { name: 'Sell a pass' }).click();
  const sell = desk.getByRole('dialog', { name: 'Sell a pass to Mira Pensioner' });
  // Nothing chosen: the error is at the plan, and focus goes there.
  await sell.getByRole('button', { name: 'Sell', exact: true }).click();
  await sell.getByText('Choose a plan').waitFor();
  await sell.getByRole('radio', { name: /8 classes a month/ }).check();
  await sell.getByRole('button', { name: 'Sell', exact: true }).click();

  // 800,000 less the pensioners' 15 %: 680,000 due; half paid in cash.
  const pay = desk.getByRole('dialog', { name: /Payment on invoice/ });
  const amount = pay.getByLabel('Amount');
  assert.equal(await amount.inputValue(), '680000');
  await amount.fill('34O000');
  await pay.getByRole('button', { name: 'Take payment' }).click();
  await pay.getByRole('alert').filter({ hasText: 'Not an amount' }).waitFor();
  assert.equal(await desk.evaluate(() => document.activeElement?.id), 'pay-amount');
  await amount.fill('340000');
  await pay.getByRole('radio', { name: 'Cash' }).check();
  await pay.getByRole('button', { name: 'Take payment' }).click();
  await money.getByRole('status').filter({ hasText: /340,000 paid on invoice/ }).waitFor();
  await money.getByTestId('balance').filter({ hasText: /Owes LAK\s340,000/ }).waitFor();
  await money.getByText(/8 classes a month: LAK\s340,000 not paid/).first().waitFor();
  await money.getByTestId('passes').getByText('Partly paid').waitFor();
  await desk.screenshot({ path: join(shots, 'money-card-desk.png'), fullPage: true });

  // A manager's list flags her, with the reason.
  const office = await env.browser.newPage(DESK);
  await signIn(office, env.base, 'manager');
  await office.getByLabel('Search by name or phone').fill('Mira Pensioner');
  const flag = office.getByTestId('client-row').filter({ hasText: 'Mira Pensioner' }).getByTestId('client-flag');
  await flag.waitFor();
  assert.match(await flag.getAttribute('aria-label'), /not paid/);

  // The rest, more than due: the extra is kept as credit and the screen says so.
  await money.getByTestId('unpaid-invoices').getByRole('button', { name: 'Take payment' }).click();
  assert.equal(await amount.inputValue(), '340000');
  await amount.fill('350000');
  await pay.getByText(/LAK\s10,000 more than is due will be kept/).waitFor();
  await pay.getByRole('button', { name: 'Take payment' }).click();
  await money.getByRole('status').filter({ hasText: /10,000 kept as credit/ }).waitFor();
  await money.getByTestId('balance').filter({ hasText: /Credit LAK\s10,000/ }).waitFor();
  await money.getByTestId('passes').getByText('Paid', { exact: true }).waitFor();
  // The manager's list follows without a reload.
  await flag.waitFor({ state: 'detached' });

  // Her receipt, saved as a PDF: read back with a PDF text extractor, it names her and the
  // amount paid on the invoice (the 10,000 over went to credit).
  const notice = money.getByRole('status').filter({ hasText: /kept as credit/ });
  await notice.getByTestId('document-receipt').locator('summary').click();
  const [download] = await Promise.all([desk.waitForEvent('download'), notice.getByRole('button', { name: 'Save as PDF' }).click()]);
  assert.match(download.suggestedFilename(), /^receipt-\d+-\d{4}-\d\d-\d\d\.pdf$/);
  const pdf = join(shots, 'receipt.pdf');
  await download.saveAs(pdf);
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-']).toString().replace(/\u00a0/g, ' ');
  assert.match(text, /Receipt/);
  assert.match(text, /Mira Pensioner/);
  assert.match(text, /340,000\.00 ₭/);
  assert.deepEqual(errors, []);
  await office.close();
  await desk.close();
});

test('tablet: the passes section reads and sells by touch', async () => {
  const ctx = await env.browser.newContext(TABLET);
  const tablet = await ctx.newPage();
  const errors = pageErrors(tablet);
  await signIn(tablet, env.base, 'reception');
  const [first] = await api(tablet, 'memberships_list', { states: ['frozen'] });
  const money = await openCard(tablet, first.client.name);
  await money.getByText(/frozen until/).first().waitFor();
  await money.getByRole('button', { name: 'Sell a pass' }).tap();
  const sell = tablet.getByRole('dialog', { name: /Sell a pass to/ });
  await sell.getByRole('radio', { name: /Unlimited month/ }).waitFor();
  await tablet.screenshot({ path: join(shots, 'money-sell-tablet.png') });
  await sell.getByRole('button', { name: 'Cancel' }).tap();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('contracts: the one ending soon is listed, printed and renewed', async () => {
  const page = await env.browser.newPage(DESK);
  const errors = pageErrors(page);
  await signIn(page, env.base, 'manager');
  await page.getByRole('navigation').getByRole('button', { name: 'Contracts' }).click();
  await page.getByLabel('Ending within a month, not renewed').check();
  const list = page.getByTestId('contracts');
  // Only the demo's contract ending next week is left once the list has reloaded.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="contracts"] > li').length === 1);
  const row = list.locator('li').first();
  await row.getByText(/days? left/).waitFor();
  await row.getByTestId('document-contract').locator('summary').click();
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Save as PDF' }).click()]);
  const pdf = join(shots, download.suggestedFilename());
  await download.saveAs(pdf);
  assert.match(execFileSync('pdftotext', ['-layout', pdf, '-']).toString(), /Contract\s+No\. \d+/);
  await row.getByRole('button', { name: 'Renew' }).click();
  await row.getByRole('button', { name: 'Renew' }).last().click();
  await page.getByRole('status').filter({ hasText: /renewed as contract \d+/ }).waitFor();
  await page.getByText('No contract ends within a month.').waitFor();

  // A new one from a client's card: an end before the start is refused at its field.
  await page.getByRole('navigation').getByRole('button', { name: 'Clients' }).click();
  await api(page, 'client_create', { client: { name: 'Ada Contract', birth_date: '1990-02-02' }, allow_duplicate: true });
  const money = await openCard(page, 'Ada Contract');
  await money.getByRole('button', { name: 'New contract' }).click();
  const dialog = page.getByRole('dialog', { name: 'New contract with Ada Contract' });
  const starts = await dialog.getByLabel('Starts on').inputValue();
  await dialog.getByLabel('Ends on').fill('2020-01-01');
  await dialog.getByRole('button', { name: 'Make the contract' }).click();
  await dialog.getByRole('alert').first().waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'contract-ends');
  await dialog.getByLabel('Ends on').fill(`${new Date().getUTCFullYear() + 5}-06-30`);
  await dialog.getByRole('button', { name: 'Make the contract' }).click();
  await money.getByRole('status').filter({ hasText: /Contract \d+ made/ }).waitFor();
  await money.getByTestId('card-contracts').getByText('Running').waitFor();
  assert.ok(starts.length > 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a pass frozen within its allowance (beyond it refused at its field), a payment refunded to credit', async () => {
  const page = await env.browser.newPage(DESK);
  const errors = pageErrors(page);
  await signIn(page, env.base, 'manager');
  const active = await api(page, 'memberships_list', { states: ['active'] });
  const today = (await api(page, 'cash_journal', {})).day;
  const pass = active.find((m) => m.freeze_days >= 7 && m.freezes.length === 0 && m.starts_on <= today && m.payment === 'paid' && m.client.id === m.payer.id);
  const before = await api(page, 'client_balance', { client_id: pass.client.id });
  const money = await openCard(page, pass.client.name);
  const row = money.getByTestId('passes').locator('li').filter({ hasText: pass.name }).first();
  await row.getByRole('button', { name: 'Change…' }).click();
  const dialog = page.getByRole('dialog', { name: `Change the pass ${pass.name}` });
  const day = (n) => new Date(Date.parse(today) + n * 86_400_000).toISOString().slice(0, 10);
  await dialog.getByLabel('First day frozen').fill(day(1));
  await dialog.getByLabel('Last day frozen').fill(day(pass.freeze_days + 5));
  await dialog.getByLabel(/^Reason/).fill('Holiday abroad');
  await dialog.getByRole('button', { name: 'Freeze' }).click();
  await dialog.getByRole('alert').first().waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'pass-until');
  await dialog.getByLabel('Last day frozen').fill(day(3));
  await dialog.getByRole('button', { name: 'Freeze' }).click();
  await money.getByRole('status').filter({ hasText: /frozen; it now ends/ }).waitFor();

  // Her pass's payment, half given back to her credit.
  const invoices = money.getByTestId('invoices');
  const inv = invoices.locator('li').filter({ hasText: pass.name }).first();
  await inv.getByRole('button', { name: new RegExp(pass.name) }).click();
  const paid = inv.locator('ul.sub > li').first();
  await paid.getByRole('button', { name: 'Refund' }).click();
  const form = paid.locator('form');
  await form.getByLabel('Amount').fill('1000');
  await form.getByLabel('How').selectOption('credit');
  await form.getByRole('button', { name: 'Refund' }).click();
  await form.getByRole('alert').filter({ hasText: /required/i }).waitFor();
  await form.getByLabel('Reason').fill('Missed two classes');
  await form.getByRole('button', { name: 'Refund' }).click();
  await money.getByRole('status').filter({ hasText: /moved to the payer's credit/ }).waitFor();
  const after = await api(page, 'client_balance', { client_id: pass.client.id });
  assert.equal(after.credit - before.credit, 1000 * 100);
  await money.getByTestId('balance').filter({ hasText: /Credit/ }).waitFor();

  // And paid out in cash: a reason is needed; then her credit is gone.
  await money.getByRole('button', { name: 'Pay out credit' }).click();
  const payout = money.getByRole('form', { name: 'Pay out credit' });
  await payout.getByRole('button', { name: 'Pay out credit' }).click();
  await payout.getByRole('alert').filter({ hasText: /required/i }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'payout-reason');
  await payout.getByLabel('Reason').fill('Moving to another city');
  await payout.getByRole('button', { name: 'Pay out credit' }).click();
  await money.getByRole('status').filter({ hasText: /of credit paid out/ }).waitFor();
  const end = await api(page, 'client_balance', { client_id: pass.client.id });
  assert.equal(end.credit, 0);
  assert.deepEqual(errors, []);
  await page.close();
});

// Last: it closes today's cash desk, which locks the day for the tests above.
test('the cash desk: a cash move with its reason, the day closed against the counted cash', async () => {
  const page = await env.browser.newPage(DESK);
  const errors = pageErrors(page);
  await signIn(page, env.base, 'reception');
  await page.getByRole('navigation').getByRole('button', { name: 'Cash desk' }).click();
  await page.getByTestId('cash-entries').getByText(/Mira Pensioner/).first().waitFor();
  const expected = await page.getByTestId('expected-cash').textContent();
  // A reason is needed: the error is at its field, and focus goes there.
  await page.getByLabel('Amount').fill('50000');
  await page.getByRole('button', { name: 'Record' }).click();
  await page.getByRole('alert').filter({ hasText: /required|Fill/i }).first().waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'cash-move-reason');
  await page.getByLabel('Reason').fill('Morning float');
  await page.getByRole('button', { name: 'Record' }).click();
  await page.getByRole('status').filter({ hasText: /put in the drawer/ }).waitFor();
  await page.getByTestId('cash-entries').getByText('Morning float').waitFor();
  assert.notEqual(await page.getByTestId('expected-cash').textContent(), expected);

  // 1,000 short: the difference shows before closing and stays recorded after.
  const j = await api(page, 'cash_journal', {});
  const exp = j.expected_cash / 10 ** 2;
  await page.getByLabel('Cash counted in the drawer').fill(String(exp - 1000));
  await page.getByTestId('cash-difference').filter({ hasText: /-.*1,000/ }).waitFor();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Close the day' }).click();
  await page.getByTestId('day-closed').filter({ hasText: /Noy Phommachanh/ }).waitFor();
  await page.screenshot({ path: join(shots, 'cash-desk-desk.png'), fullPage: true });
  assert.equal(await page.getByRole('button', { name: 'Record' }).count(), 0);
  const refused = await api(page, 'cash_move', { kind: 'in', amount: 100, reason: 'late' });
  assert.equal(refused.code, 'conflict');
  assert.deepEqual(errors, []);
  await page.close();
});
