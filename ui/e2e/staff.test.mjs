// End to end, staff and logins: the owner adds a receptionist to the staff and makes her a
// login; she signs in with the one-time password and must choose her own before anything
// else; a weak one is refused at its field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DESK, TABLET, pageErrors, shots, signIn, start } from './support.mjs';

let env;

before(async () => {
  env = await start('staff');
});

after(async () => {
  await env?.stop();
});

test('the owner creates a receptionist login; she must change the one-time password', async () => {
  const ownerCtx = await env.browser.newContext(DESK);
  const page = await ownerCtx.newPage();
  const errors = pageErrors(page);
  await signIn(page, env.base, 'owner');
  await page.getByRole('button', { name: 'Staff' }).click();
  const staff = page.getByRole('region', { name: 'Staff' });
  await staff.getByRole('button', { name: 'Add a staff member' }).click();
  await staff.getByLabel('Name').fill('Kesone Duangdy');
  await staff.getByLabel('Position').fill('Receptionist');
  // A half-typed hire date is an error at its field, not a blank.
  await staff.getByLabel('Hired').fill('03.1');
  await staff.getByRole('button', { name: 'Save' }).click();
  await staff.getByText('Not a real date').waitFor();
  await staff.getByLabel('Hired').fill('');
  await staff.getByRole('button', { name: 'Save' }).click();
  await staff.getByRole('button', { name: 'Kesone Duangdy' }).waitFor();

  const logins = page.getByRole('region', { name: 'Logins' });
  await logins.getByLabel('For staff member').selectOption({ label: 'Kesone Duangdy — Receptionist' });
  await logins.getByLabel('Login', { exact: true }).fill('kesone');
  await logins.getByLabel('Role', { exact: true }).selectOption({ label: 'Reception' });
  await logins.getByRole('button', { name: 'Create the login' }).click();
  const otpBox = logins.getByTestId('one-time-password');
  await otpBox.waitFor();
  const otp = (await otpBox.locator('code').textContent()).trim();
  assert.match(otp, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  await page.screenshot({ path: join(shots, 'staff-logins-desk.png'), fullPage: true });
  await logins.getByRole('row').filter({ hasText: 'Kesone Duangdy' }).getByText('one-time password').waitFor();

  // She signs in on a tablet with the one-time password.
  const herCtx = await env.browser.newContext(TABLET);
  const her = await herCtx.newPage();
  await her.goto(env.base);
  await her.getByLabel('Login').fill('kesone');
  await her.getByLabel('Password').fill(otp);
  await her.getByRole('button', { name: 'Sign in' }).tap();
  await her.getByRole('heading', { name: 'Choose your own password' }).waitFor();
  await her.getByLabel('New password', { exact: true }).fill('password123');
  await her.getByLabel('New password again').fill('password123');
  await her.getByRole('button', { name: 'Save the new password' }).tap();
  await her.getByText('Too easy to guess').waitFor();
  assert.equal(await her.evaluate(() => document.activeElement?.id), 'pw-new', 'focus moves to the field in error');
  await her.screenshot({ path: join(shots, 'password-first-tablet.png'), fullPage: true });
  await her.getByLabel('New password', { exact: true }).fill('violet harbour lantern 42');
  await her.getByLabel('New password again').fill('violet harbour lantern 42');
  await her.getByRole('button', { name: 'Save the new password' }).tap();
  // Into the app as a receptionist.
  await her.getByTestId('client-results').locator('li').first().waitFor();
  assert.match(await her.locator('header').textContent(), /Kesone Duangdy · Reception/);

  // The owner's list shows the password was changed, live.
  await logins.getByRole('row').filter({ hasText: 'Kesone Duangdy' }).getByText('one-time password').waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await ownerCtx.close();
  await herCtx.close();
});

test('an admin makes a role of the centre’s own and narrows it', async () => {
  const page = await env.browser.newPage(DESK);
  const errors = pageErrors(page);
  await signIn(page, env.base, 'admin');
  await page.getByRole('button', { name: 'Staff' }).click();
  const roles = page.getByRole('region', { name: 'Roles' });
  await roles.getByLabel('New role').fill('Front desk (view)');
  await roles.getByLabel('Starting from').selectOption({ label: 'Reception' });
  await roles.getByRole('button', { name: 'Add the role' }).click();
  await roles.getByRole('status').filter({ hasText: 'Role created' }).waitFor();
  const role = roles.locator('details').filter({ hasText: 'Front desk (view)' });
  await role.locator('summary').click();
  const write = role.getByLabel('Register and change clients');
  assert.equal(await write.isChecked(), true, 'the template’s permissions come along');
  await write.uncheck();
  await role.getByRole('button', { name: 'Save the role' }).click();
  await roles.getByRole('status').filter({ hasText: 'Role saved' }).waitFor();
  assert.equal(await roles.locator('details').filter({ hasText: 'Front desk (view)' }).getByLabel('Register and change clients').isChecked(), false);
  // A role with nothing left is refused, at its permissions.
  const r2 = roles.locator('details').filter({ hasText: 'Front desk (view)' });
  const checked = r2.locator('input[type=checkbox]:checked');
  while ((await checked.count()) > 0) await checked.first().uncheck();
  await r2.getByRole('button', { name: 'Save the role' }).click();
  await r2.getByRole('alert').filter({ hasText: 'Choose at least one permission' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
