// End to end, telephony: a peer replaying the recorded Asterisk call (ami-a: the caller rings
// 101 and 102, 101 answers) into a real hub; the reception's browser shows the popup with the
// demo family (the parent carrying the number, the child and the child's pass) and a click
// opens the card; the manager's popup closes when the reception answers; the call is in the
// log. Prints how long the popup took from the Newchannel leaving the peer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DESK, TABLET, api, pageErrors, shots, signIn, start } from './support.mjs';
import { amiPeer, connectPbx, popupSeen } from './amiPeer.mjs';

let env;
let peer;

before(async () => {
  env = await start('calls');
  peer = await amiPeer('a');
});

after(async () => {
  peer?.close();
  await env?.stop();
});

test('a replayed call pops up with the family at the ringing desks, and a click opens the card', async () => {
  const manager = await (await env.browser.newContext(DESK)).newPage();
  const desk = await (await env.browser.newContext(DESK)).newPage();
  const errors = [...pageErrors(desk), ...pageErrors(manager)];
  await signIn(manager, env.base, 'manager');
  await signIn(desk, env.base, 'reception');
  await connectPbx(manager, peer);
  for (const page of [desk, manager]) await page.locator('[data-testid=live-state][data-state=live]').waitFor();

  const seen = await popupSeen(desk, '1');
  // The manager's popup closes as soon as the reception answers: watched from the start.
  const seenByManager = await popupSeen(manager, '1');
  const { sentAt, ended } = peer.play();
  const latency = (await seen()) - sentAt;
  console.log(`Newchannel → popup visible: ${latency.toFixed(1)} ms`);
  const popup = desk.getByTestId('call-popup');
  const cards = popup.getByTestId('popup-card');
  assert.ok((await cards.count()) >= 2, 'the parent and the child');
  assert.match(await popup.textContent(), /child of/);
  assert.ok((await popup.getByTestId('popup-pass').count()) >= 1, "the child's pass with visits left");
  assert.match(await popup.getByTestId('popup-pass').first().textContent(), /visits? left|unlimited/);
  await seenByManager();
  await desk.screenshot({ path: join(shots, 'call-popup-desk.png') });

  // The reception answers: the manager's popup closes; the reception's stays for the card.
  await ended;
  await manager.getByTestId('call-popup').waitFor({ state: 'detached' });
  const parent = (await cards.first().textContent()).trim();
  await cards.first().click();
  await desk.getByRole('tabpanel').getByRole('heading', { name: parent }).waitFor();
  await popup.getByRole('button', { name: 'Close' }).click();
  await popup.waitFor({ state: 'detached' });

  // The call log shows it, answered by the reception.
  await desk.getByRole('button', { name: 'Calls' }).click();
  const row = desk.getByTestId('call-row').filter({ hasText: 'Noy Phommachanh' }).filter({ hasText: parent });
  await row.first().waitFor();
  await desk.screenshot({ path: join(shots, 'calls-log-desk.png') });
  const status = await api(desk, 'pbx_status', {});
  assert.equal(status.link, 'connected');
  assert.equal(status.my_extension, '101');
  assert.deepEqual(errors, []);
});

test('on a tablet the popup fits the screen and the report adds up', async () => {
  const page = await (await env.browser.newContext(TABLET)).newPage();
  const errors = pageErrors(page);
  await signIn(page, env.base, 'reception');
  await page.locator('[data-testid=live-state][data-state=live]').waitFor();
  const seen = await popupSeen(page, '2');
  const { ended } = peer.play();
  await seen();
  const box = await page.getByTestId('call-popup').boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 800, JSON.stringify(box));
  await page.screenshot({ path: join(shots, 'call-popup-tablet.png') });
  await ended;
  await page.getByTestId('call-popup').getByRole('button', { name: 'Close' }).first().click();
  await page.getByRole('button', { name: 'Calls' }).click();
  await page.getByRole('tab', { name: 'Report' }).click();
  await page.getByTestId('calls-totals').waitFor();
  const report = await api(page, 'calls_report', {});
  const first = (await page.getByTestId('calls-totals').locator('strong').first().textContent()).trim();
  assert.equal(first, report.totals.calls.toLocaleString('en-US'));
  await page.screenshot({ path: join(shots, 'calls-report-tablet.png') });
  assert.deepEqual(errors, []);
});

test('the PBX settings say how the link is, and a bad address is an error at its field', async () => {
  const page = await (await env.browser.newContext(DESK)).newPage();
  const errors = pageErrors(page);
  await signIn(page, env.base, 'manager');
  await page.getByRole('button', { name: 'Settings' }).click();
  const panel = page.getByRole('region', { name: 'Telephone exchange (PBX)' });
  await panel.getByTestId('pbx-state').filter({ hasText: 'Connected to the PBX' }).waitFor();
  assert.equal(await panel.getByLabel('Secret').inputValue(), '', 'a kept secret is never shown');
  await panel.getByLabel('Address').fill('pbx');
  await panel.getByRole('button', { name: 'Save PBX settings' }).click();
  await panel.locator('#pbx-address-error').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'pbx-address');
  await panel.screenshot({ path: join(shots, 'pbx-settings-desk.png') });
  assert.deepEqual(errors, []);
});
