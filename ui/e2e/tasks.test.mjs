// End to end, tasks: the manager's overdue task shows as a reminder on the Tasks button (theirs
// alone) and is marked done with what came of it; on the visiting parent's card a task is
// planned for the reception — a half-typed day stops at its field — and the caller popup's
// card lists the call-back planned in the demo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DESK, TABLET, api, pageErrors, shots, signIn, start } from './support.mjs';

let env;
before(async () => {
  env = await start('tasks');
});
after(async () => {
  await env?.stop();
});

test("the assignee's reminder, done with its outcome; a task planned on a card", async () => {
  const page = await (await env.browser.newContext(DESK)).newPage();
  const errors = pageErrors(page);
  await signIn(page, env.base, 'manager');
  const nav = page.getByRole('navigation');
  // The demo's follow-up was due yesterday: one reminder, the manager's.
  await nav.getByTestId('tasks-due').filter({ hasText: '1' }).waitFor();
  await nav.getByRole('button', { name: /^Tasks/ }).click();
  const list = page.getByTestId('tasks').filter({ has: page.getByTestId('task-row') }).first();
  const overdue = list.getByTestId('task-row').filter({ hasText: 'Ask why the swimming classes were missed' });
  await overdue.getByText('Was due', { exact: false }).waitFor();
  await page.screenshot({ path: join(shots, 'tasks-mine-desk.png'), fullPage: true });
  await overdue.getByRole('button', { name: 'Done' }).click();
  await overdue.getByLabel('What came of it').fill('Her mother called: the girl had a cold.');
  await overdue.locator('form').getByRole('button', { name: 'Done' }).click();
  await list.getByTestId('task-row').filter({ hasText: 'Ask why the swimming classes were missed' }).waitFor({ state: 'detached' });
  await nav.getByTestId('tasks-due').waitFor({ state: 'detached' });

  // The visiting parent's card: the demo's call-back, and a new task for the reception.
  const found = await api(page, 'clients_by_phone', { phone: '+77011234567' });
  const parent = found.matches[0].client;
  await page.getByRole('button', { name: 'Clients', exact: true }).click();
  await page.getByLabel('Search by name or phone').fill(parent.name);
  await page.getByTestId('client-row').filter({ hasText: parent.name }).first().click();
  const card = page.getByRole('tabpanel').filter({ has: page.getByRole('heading', { name: parent.name }) });
  const tasks = card.getByRole('region', { name: 'Tasks' });
  await tasks.getByTestId('task-row').filter({ hasText: 'Call back about the summer camp dates' }).waitFor();
  await tasks.getByRole('button', { name: '+ New task' }).click();
  const form = tasks.getByTestId('task-form');
  await form.getByLabel('What to do').fill('Ask for the medical form');
  await form.getByLabel('Due day').fill('12/3');
  await form.getByLabel('Time').fill('17:30');
  await form.getByLabel('Who does it').selectOption({ label: 'Noy Phommachanh' });
  await form.getByRole('button', { name: 'Add the task' }).click();
  // A half-typed day is an error at its field, which gets the focus; nothing is saved.
  await form.locator('.invalid').first().waitFor();
  assert.match(await page.evaluate(() => document.activeElement?.id ?? ''), /-day$/);
  // A day years ahead, in the form's ISO spelling.
  const year = new Date().getUTCFullYear() + 5;
  await form.getByLabel('Due day').fill(`${year}-01-15`);
  await form.getByLabel('Time').fill('7:5');
  await form.getByRole('button', { name: 'Add the task' }).click();
  await form.getByText('Type the time as HH:MM', { exact: false }).waitFor();
  assert.match(await page.evaluate(() => document.activeElement?.id ?? ''), /-time$/);
  await form.getByLabel('Time').fill('17:30');
  await form.getByRole('button', { name: 'Add the task' }).click();
  const row = tasks.getByTestId('task-row').filter({ hasText: 'Ask for the medical form' });
  await row.getByText('Noy Phommachanh').waitFor();
  await row.getByText('Due', { exact: false }).waitFor();
  const saved = (await api(page, 'tasks_list', { client_id: parent.id })).find((x) => x.title === 'Ask for the medical form');
  // 17:30 in Vientiane.
  assert.equal(saved.due_at, `${year}-01-15T10:30:00Z`);
  await card.scrollIntoViewIfNeeded();
  await tasks.screenshot({ path: join(shots, 'tasks-card-desk.png') });

  // Being changed here while someone else changes it: the form stays with what was typed,
  // says so, and saving is refused rather than overwriting the other change.
  await row.getByRole('button', { name: 'Change' }).click();
  const edit = row.getByTestId('task-form');
  await edit.getByLabel('What to do').fill('Ask for the medical form and the photo');
  await api(page, 'task_save', { id: saved.id, version: saved.version, title: 'Ask for the medical form (urgent)', due_at: saved.due_at });
  await row.getByText('Someone else closed or changed this task meanwhile.').waitFor();
  await edit.getByRole('button', { name: 'Save the task' }).click();
  await edit.getByRole('alert').first().waitFor();
  assert.equal(await edit.getByLabel('What to do').inputValue(), 'Ask for the medical form and the photo');
  assert.deepEqual(errors, []);
});

test('the tasks page on the tablet', async () => {
  const page = await (await env.browser.newContext(TABLET)).newPage();
  const errors = pageErrors(page);
  await signIn(page, env.base, 'reception');
  await page.getByRole('navigation').getByRole('button', { name: /^Tasks/ }).click();
  await page.getByTestId('task-row').filter({ hasText: 'Call back about the summer camp dates' }).waitFor();
  await page.screenshot({ path: join(shots, 'tasks-mine-tablet.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
