// End to end, messaging: a manager points the hub at a real local SMTP server (Debian's
// aiosmtpd) and writes an e-mail template in two languages; from a client's card a message
// goes out from that template; the mail arrives with the client's name filled in and the card's
// timeline shows it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DESK, TABLET, api, pageErrors, shots, signIn, start } from './support.mjs';

let env;
let smtp;
let port;
const maildir = join(mkdtempSync(join(tmpdir(), 'hallpass-mail-')), 'mail');

before(async () => {
  env = await start('messages');
  port = await new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => done(p));
    });
  });
  smtp = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir], { stdio: 'inherit' });
  await new Promise((r) => setTimeout(r, 800));
});

after(async () => {
  smtp?.kill();
  await env?.stop();
});

const mails = () => {
  try {
    return readdirSync(join(maildir, 'new')).map((f) => readFileSync(join(maildir, 'new', f), 'utf8'));
  } catch {
    return [];
  }
};

test('a template written in settings sends an e-mail from the card, which lands and shows on the timeline', async () => {
  const page = await (await env.browser.newContext(DESK)).newPage();
  const errors = pageErrors(page);
  await signIn(page, env.base, 'manager');
  const client = await api(page, 'client_create', { client: { name: 'Mali Mailtest', birth_date: '1990-02-03', emails: [{ label: '', value: 'mali@example.la' }] } });
  assert.ok(client.id, JSON.stringify(client));

  await page.getByRole('button', { name: 'Settings' }).click();
  const box = page.getByRole('region', { name: 'Messages: e-mail and SMS' });
  await box.getByLabel('Sent from').fill('Sunny Days <desk@sunnydays.la>');
  await box.getByLabel('Mail server').fill('127.0.0.1');
  await box.getByLabel('Port').fill(String(port));
  await box.getByLabel('Encryption').selectOption('none');
  await box.getByRole('button', { name: 'Save message settings' }).click();
  await box.getByRole('status').filter({ hasText: 'Message settings saved.' }).waitFor();
  // A new inbound key: the gateway's addresses (shown with an SMS gateway chosen) change,
  // after a confirmation.
  await page.locator('#msg-sms-kind').selectOption('smpp');
  const replies = box.locator('code').filter({ hasText: '/api/sms/inbound?key=' });
  const oldAddress = await replies.textContent();
  page.once('dialog', (d) => d.accept());
  await box.getByRole('button', { name: 'New key' }).click();
  await box.getByRole('status').filter({ hasText: 'A new key is made' }).waitFor();
  assert.notEqual(await replies.textContent(), oldAddress);
  await page.locator('#msg-sms-kind').selectOption('none');

  const tpl = page.getByRole('region', { name: 'Message templates' });
  await tpl.getByRole('button', { name: '+ New template' }).click();
  await tpl.getByLabel('Name').fill('Welcome');
  await tpl.getByLabel('Channel').selectOption('email');
  await tpl.getByLabel('Subject').fill('Welcome to {centre.name}');
  // An unknown field is refused at the text, which gets the focus.
  await tpl.getByLabel('Text', { exact: true }).fill('Hello {client.nickname}');
  await tpl.getByRole('button', { name: 'Save template' }).click();
  await tpl.locator('#tpl-body-0-error').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tpl-body-0');
  await tpl.getByLabel('Text', { exact: true }).fill('Hello ');
  await tpl.getByRole('button', { name: '{client.first_name}' }).click();
  await tpl.getByRole('button', { name: 'Save template' }).click();
  await tpl.getByRole('status').filter({ hasText: 'Template saved.' }).waitFor();
  await page.screenshot({ path: join(shots, 'messages-settings-desk.png'), fullPage: true });

  await page.getByRole('button', { name: 'Clients', exact: true }).click();
  await page.getByLabel('Search by name or phone').fill('Mali Mailtest');
  await page.getByTestId('client-row').filter({ hasText: 'Mali Mailtest' }).first().click();
  const card = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: 'Mali Mailtest' }) });
  await card.getByRole('button', { name: 'Write' }).click();
  const dialog = page.getByRole('dialog');
  // The client's language is kept as chosen.
  await dialog.getByLabel('Writes in').selectOption('ru');
  await page.waitForTimeout(300);
  assert.equal((await api(page, 'client_messaging_get', { client_id: client.id })).language, 'ru');
  await dialog.getByLabel('Writes in').selectOption('');
  await dialog.getByLabel('Channel').selectOption('email');
  await dialog.getByLabel('Template').selectOption({ label: 'Welcome' });
  await dialog.getByRole('button', { name: 'Send' }).click();
  await dialog.getByTestId('send-result').filter({ hasText: '1 message queued' }).waitFor();
  await page.screenshot({ path: join(shots, 'messages-sent-desk.png') });
  await dialog.getByRole('button', { name: 'Close' }).click();

  for (let i = 0; i < 100 && mails().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  const got = mails();
  assert.equal(got.length, 1);
  assert.match(got[0], /Hello Mali/);
  assert.match(got[0], /To: mali@example\.la/);
  await card.getByText('E-mail sent: Welcome to Sunny Days').first().waitFor();
  assert.deepEqual(errors, []);
});

test('a campaign is set up in settings, a half-typed day stopping at its field; the calls show how callers rated the desks', async () => {
  for (const [size, ctx] of [
    ['desk', DESK],
    ['tablet', TABLET],
  ]) {
    const page = await (await env.browser.newContext(ctx)).newPage();
    const errors = pageErrors(page);
    await signIn(page, env.base, 'manager');
    await page.getByRole('button', { name: 'Settings' }).click();
    const box = page.getByRole('region', { name: 'Campaigns' });
    // The demo's own, waiting for an SMS gateway.
    await box.getByText('Pass ends in 3 days').waitFor();
    await box.getByText('Waiting: no mail server or SMS gateway', { exact: false }).first().waitFor();
    if (size === 'desk') {
      await box.getByRole('button', { name: '+ New campaign' }).click();
      await box.getByLabel('Name').fill('Open day');
      await box.getByLabel('Template').selectOption({ label: 'Happy birthday' });
      await box.getByLabel('When').selectOption('once');
      await box.getByLabel('Day').fill('12/3');
      await box.getByLabel('Time (HH:MM)').fill('18:30');
      await box.getByLabel('To', { exact: true }).selectOption('group');
      await box.getByLabel('Group').selectOption({ index: 1 });
      await box.getByRole('button', { name: 'Save campaign' }).click();
      await box.locator('#cmp-send-on-error').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'cmp-send-on', 'the half-typed day has the focus');
      const ahead = new Date(Date.now() + 21 * 86_400_000);
      await box.getByLabel('Day').fill(`${ahead.getUTCMonth() + 1}/${ahead.getUTCDate()}/${ahead.getUTCFullYear()}`);
      await box.getByRole('button', { name: 'Save campaign' }).click();
      await box.getByRole('status').filter({ hasText: 'Campaign saved.' }).waitFor();
      await box.getByRole('listitem').filter({ hasText: 'Open day' }).getByText('next:', { exact: false }).waitFor();
    }
    await box.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, `messages-campaigns-${size}.png`) });

    await page.getByRole('button', { name: 'Calls', exact: true }).click();
    if (size === 'desk') {
      // A voice broadcast without its recording stops at the file.
      await page.getByRole('tab', { name: 'Voice broadcast' }).click();
      const bc = page.getByRole('region', { name: 'Voice broadcast' });
      await bc.getByLabel('Name').fill('Open day');
      await bc.getByRole('button', { name: 'Start broadcast' }).click();
      await bc.locator('#bc-file-error').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'bc-file');
      await page.screenshot({ path: join(shots, 'calls-broadcast-desk.png') });
    }
    await page.getByRole('tab', { name: 'Ratings' }).click();
    const ratings = page.getByRole('region', { name: 'Ratings' });
    await ratings.getByRole('heading', { name: 'Latest replies' }).waitFor();
    assert.ok((await ratings.locator('tbody tr').count()) >= 1, 'the desks rated');
    await page.screenshot({ path: join(shots, `calls-ratings-${size}.png`) });
    assert.deepEqual(errors, []);
  }
});
