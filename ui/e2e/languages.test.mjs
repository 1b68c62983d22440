// End to end, languages: the sign-in screen switched to Lao or Khmer keeps that language
// after sign-in; the client list and a card read in it, with the page's language set and
// nothing overflowing sideways, at desk size and on a 10-inch tablet. Chromium has no Intl
// data of its own for either language: dates must still be written the Lao or Khmer way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DESK, TABLET, pageErrors, shots, start } from './support.mjs';

let browser, base, env;

before(async () => {
  env = await start('languages');
  ({ browser, base } = env);
});

after(async () => {
  await env?.stop();
});

const LANGUAGES = [
  { code: 'lo', script: /[\u0E80-\u0EFF]/, clients: 'ລູກຄ້າ' },
  { code: 'km', script: /[\u1780-\u17FF]/, clients: 'អតិថិជន' },
];

async function sidewaysOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

for (const lang of LANGUAGES) {
  for (const [size, options] of [['desk', DESK], ['tablet', TABLET]]) {
    test(`${lang.code}, ${size}: the list and a card in the chosen language`, async () => {
      const page = await browser.newPage(options);
      const errors = pageErrors(page);
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(base);
      await page.locator('#login-locale').selectOption(lang.code);
      // The sign-in screen switches as soon as the language's date and number data is there.
      await page.locator('#login-title + p').filter({ hasText: lang.script }).waitFor();
      assert.equal(await page.locator('#login-locale ~ p[role=status]').count(), 0, 'no loading note once switched');
      await page.locator('#login-name').fill('reception');
      await page.locator('#login-password').fill('hallpass-demo');
      await page.locator('form button[type=submit]').click();
      const rows = page.getByTestId('client-row');
      await rows.first().waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang.code);
      await page.getByRole('tab', { name: lang.clients }).waitFor();
      assert.match(await page.getByTestId('client-results').locator('..').textContent(), lang.script);
      assert.ok((await sidewaysOverflow(page)) <= 0, `the list scrolls sideways by ${await sidewaysOverflow(page)}px`);
      await page.screenshot({ path: join(shots, `clients-${lang.code}-${size}.png`) });

      const press = (locator) => (options.hasTouch ? locator.tap() : locator.click());
      await press(rows.first());
      const card = page.getByRole('tabpanel').last();
      const save = card.locator('button.primary[type=submit]').first();
      await save.waitFor();
      assert.match(await save.textContent(), lang.script, 'the card speaks the language');
      assert.ok((await sidewaysOverflow(page)) <= 0, `the card scrolls sideways by ${await sidewaysOverflow(page)}px`);
      // Day first, as both languages write dates, and no English month names.
      const birth = card.locator('input[name=birth_date]');
      assert.match(await birth.getAttribute('placeholder'), lang.script);
      const order = await page.evaluate(() =>
        new Intl.DateTimeFormat(document.documentElement.lang, { year: 'numeric', month: '2-digit', day: '2-digit' })
          .formatToParts(new Date(2001, 10, 22))
          .map((p) => p.value)
          .join(''),
      );
      assert.equal(order, '22/11/2001');
      assert.match(await birth.inputValue(), /^\d{2}\/\d{2}\/\d{4}$/);
      assert.doesNotMatch(await card.textContent(), /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d/, 'no English dates');
      const month = await page.evaluate(() => new Intl.DateTimeFormat(document.documentElement.lang, { month: 'long' }).format(new Date(2001, 10, 22)));
      assert.match(month, lang.script, 'month names in the language');
      await page.screenshot({ path: join(shots, `card-${lang.code}-${size}.png`) });
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
}
