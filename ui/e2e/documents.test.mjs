// End to end, printed documents: the owner edits the receipt's template with a live preview;
// a mistake is shown at its line and column and the save refused (the old template stays);
// mended, it saves and prints. A receipt in Lao and one in Khmer are drawn to PNG to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { DESK, TABLET, api, pageErrors, shots, signIn, start } from './support.mjs';

let env;

before(async () => {
  // A runaway template is stopped after this long (the hub's default is 20 s).
  process.env.HALLPASS_TYPESET_TIMEOUT_SECS = '4';
  env = await start('documents');
});

after(async () => {
  await env?.stop();
});

/** A payment of the demo centre. */
async function somePayment(page) {
  const { invoices } = await api(page, 'invoices_list', { limit: 50 });
  for (const summary of invoices.filter((i) => i.paid > 0)) {
    const invoice = await api(page, 'invoice_get', { id: summary.id });
    if (invoice.payments.length) return invoice.payments[0];
  }
  throw new Error('no payment in the demo');
}

test('edit a template: a mistake is refused at its line, the mended one saves and prints', async () => {
  const page = await env.browser.newPage(DESK);
  const errors = pageErrors(page);
  await signIn(page, env.base, 'owner');
  await page.getByRole('navigation').getByRole('button', { name: 'Documents' }).click();
  await page.getByRole('button', { name: 'Receipt', exact: true }).click();
  const preview = page.getByTestId('template-preview');
  await preview.getByRole('img', { name: 'Page 1' }).waitFor();
  await page.screenshot({ path: join(shots, 'documents-editor-desk.png') });

  const editor = page.getByLabel('Template (typst)');
  const original = await editor.inputValue();
  // A field the data does not have: the preview says where, and saving is refused.
  await editor.fill(original.replace('p.received_from,', 'p.recieved_from,'));
  const problem = page.getByRole('button', { name: /Line \d+, column \d+: dictionary does not contain key "recieved_from"/ });
  await problem.waitFor();
  await page.getByRole('button', { name: 'Save the template' }).click();
  await page.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'template-source');
  let list = await api(page, 'document_templates_list', {});
  assert.equal(list.find((t) => t.kind === 'receipt').is_default, true);

  // An unsaved edit survives a reload.
  await page.reload();
  await page.getByTestId('client-results').locator('li').first().waitFor();
  await page.getByRole('navigation').getByRole('button', { name: 'Documents' }).click();
  await page.getByRole('button', { name: 'Receipt •' }).click();
  assert.match(await page.getByLabel('Template (typst)').inputValue(), /recieved_from/);

  // Mended, with a line of the centre's own: saved and used.
  await page.getByLabel('Template (typst)').fill(original.replace('text(size: 11pt, l.thanks)', 'text(size: 11pt, "Come again soon!")'));
  await preview.getByRole('img', { name: 'Page 1' }).waitFor();
  await page.getByRole('button', { name: 'Save the template' }).click();
  await page.getByRole('status').filter({ hasText: 'Template saved' }).waitFor();
  list = await api(page, 'document_templates_list', {});
  assert.equal(list.find((t) => t.kind === 'receipt').is_default, false);

  const payment = await somePayment(page);
  const file = await api(page, 'document_render', { kind: 'receipt', id: payment.id, lang: 'en' });
  const pdf = join(shots, 'receipt-own-template.pdf');
  writeFileSync(pdf, Buffer.from(file.content, 'base64'));
  assert.match(execFileSync('pdftotext', [pdf, '-']).toString(), /Come again soon!/);

  // Lao and Khmer, drawn to look at (their text does not extract well from any PDF).
  for (const lang of ['lo', 'km']) {
    const doc = await api(page, 'document_render', { kind: 'receipt', id: payment.id, lang });
    const path = join(shots, `receipt-${lang}.pdf`);
    writeFileSync(path, Buffer.from(doc.content, 'base64'));
    execFileSync('pdftoppm', ['-png', '-r', '80', '-singlefile', path, join(shots, `receipt-${lang}`)]);
  }
  const contract = (await api(page, 'contracts_list', {}))[0];
  const k = await api(page, 'document_render', { kind: 'contract', id: contract.id, lang: 'lo' });
  writeFileSync(join(shots, 'contract-lo.pdf'), Buffer.from(k.content, 'base64'));
  execFileSync('pdftoppm', ['-png', '-r', '70', '-singlefile', join(shots, 'contract-lo.pdf'), join(shots, 'contract-lo')]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a template that loops for ever or asks for all the memory is stopped; the hub goes on', async () => {
  const page = await env.browser.newPage(DESK);
  await signIn(page, env.base, 'owner');
  const preview = (source) => api(page, 'document_template_preview', { kind: 'invoice', source, id: null, lang: 'en' });
  const started = Date.now();
  const endless = await preview('#for i in range(100000) { for j in range(100000) { } }');
  assert.equal(endless.pages.length, 0);
  assert.match(endless.problems[0].message, /took longer than 4 s/);
  assert.ok(Date.now() - started < 15_000, 'stopped at the time limit');
  const greedy = await preview('#let all = range(4000000000)\n#all.len()');
  assert.equal(greedy.pages.length, 0);
  assert.match(greedy.problems[0].message, /more memory|took longer/);
  // Saving such a template is refused the same way, and the hub still prints.
  const saved = await api(page, 'document_template_save', { kind: 'invoice', source: '#for i in range(100000) { for j in range(100000) { } }', version: 0 });
  assert.equal(saved.code, 'validation');
  const ok = await preview('= Fine again');
  assert.equal(ok.pages.length, 1);
  await page.close();
});

test('tablet: the price list prints by touch', async () => {
  const ctx = await env.browser.newContext(TABLET);
  const tablet = await ctx.newPage();
  const errors = pageErrors(tablet);
  await signIn(tablet, env.base, 'reception');
  await tablet.getByRole('navigation').getByRole('button', { name: 'Documents' }).tap();
  await tablet.getByTestId('document-price_list').locator('summary').tap();
  const [download] = await Promise.all([tablet.waitForEvent('download'), tablet.getByRole('button', { name: 'Save as PDF' }).tap()]);
  assert.equal(download.suggestedFilename(), 'price-list.pdf');
  await tablet.screenshot({ path: join(shots, 'documents-tablet.png') });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the price list: a plan and an item changed on screen, then printed with them', async () => {
  const page = await env.browser.newPage(DESK);
  const errors = pageErrors(page);
  await signIn(page, env.base, 'manager');
  await page.getByRole('navigation').getByRole('button', { name: 'Price list' }).click();
  const plans = page.getByTestId('plans');
  const first = plans.locator('li').first();
  const name = await first.locator('.name').textContent();
  await first.getByRole('button', { name: 'Edit' }).click();
  const form = first.getByRole('form', { name });
  await form.getByLabel('Price').fill('12x');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.getByRole('alert').filter({ hasText: 'Not an amount' }).waitFor();
  assert.match(await page.evaluate(() => document.activeElement?.id ?? ''), /-price$/);
  await form.getByLabel('Price').fill('987654');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: `${name} saved` }).waitFor();
  await plans.getByText('LAK 987,654').waitFor();

  // A name already used is refused at the field.
  await page.getByLabel('New category').fill('Rentals');
  await page.getByRole('button', { name: 'Add the category' }).click();
  await page.getByRole('alert').filter({ hasText: 'Already taken' }).waitFor();
  await page.getByLabel('New category').fill('Party rooms');
  await page.getByRole('button', { name: 'Add the category' }).click();
  await page.getByRole('status').filter({ hasText: 'Category Party rooms added' }).waitFor();
  await page.getByRole('button', { name: 'New service or good' }).click();
  const item = page.getByRole('form', { name: 'New service or good' });
  await item.getByLabel('Name').fill('Racket hire');
  await item.getByLabel('Category').selectOption({ label: 'Party rooms' });
  await item.getByLabel('Price', { exact: true }).fill('25000');
  await item.getByLabel('Unit').fill('hour');
  await item.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'Party rooms' }).waitFor();
  await page.screenshot({ path: join(shots, 'price-list-desk.png'), fullPage: true });

  await page.getByTestId('document-price_list').locator('summary').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save as PDF' }).click()]);
  const pdf = join(shots, 'price-list.pdf');
  await download.saveAs(pdf);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString().replace(/\u00a0/g, ' ');
  assert.match(text, /Racket hire\s+hour\s+25,000\.00 ₭/);
  assert.match(text, /987,654\.00 ₭/);

  // The red flags' thresholds: a bad number is refused at its field; a good one is kept.
  await page.getByLabel('A pass is low with this many visits left or fewer').fill('two');
  await page.getByRole('button', { name: 'Save the thresholds' }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'flags-visits_low');
  await page.getByLabel('A pass is low with this many visits left or fewer').fill('3');
  await page.getByRole('button', { name: 'Save the thresholds' }).click();
  await page.getByRole('status').filter({ hasText: 'Thresholds saved' }).waitFor();
  assert.equal((await api(page, 'flag_settings_get', {})).visits_low, 3);
  assert.deepEqual(errors, []);
  await page.close();
});
