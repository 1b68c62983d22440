// The grid at the desk, keyboard first: the day view of a coming day; a class moved a quarter later with
// Alt+↓ (the hub agrees), then dragged with the mouse onto another class of the same
// instructor — refused, with the reason on screen, and left where it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { api, DESK, pageErrors, shots, signIn, start } from './support.mjs';

const MIN = 60_000;
const at = (o) => Date.parse(o.starts_at);
const end = (o) => Date.parse(o.ends_at);

test('desk: move a class with the keyboard; a drag onto a clash is refused with its reason', async () => {
  const run = await start('grid');
  try {
    const page = await (await run.browser.newContext(DESK)).newPage();
    const errors = pageErrors(page);
    await signIn(page, run.base, 'manager');
    const today = await page.evaluate(() => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Vientiane' }).format(new Date()));
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    const shown = page.getByTestId('schedule-date');
    await shown.waitFor();
    const sameInstructor = (a, b) => a.id !== b.id && a.instructor && b.instructor && a.instructor.id === b.instructor.id;
    const sameRoom = (a, b) => a.id !== b.id && a.room && b.room && a.room.id === b.room.id;
    // A class with a free quarter after it (room and instructor), well before closing time.
    const movable = (day) => (a) =>
      new Date(end(a) + 15 * MIN).getUTCHours() + 7 <= 19 &&
      !day.some((b) => (sameInstructor(a, b) || sameRoom(a, b)) && at(b) < end(a) + 15 * MIN && end(b) > at(a) + 15 * MIN);
    // The first day of the coming week (the timetable differs by weekday) with such a class
    // and two classes of one instructor.
    let ahead = 0;
    let day = [];
    let date;
    let free;
    while (!free && ++ahead <= 7) {
      date = new Date(Date.parse(`${today}T00:00:00Z`) + ahead * 86_400_000).toISOString().slice(0, 10);
      day = (await api(page, 'schedule_week', { from: date, days: 1 })).occurrences.filter((o) => o.status === 'scheduled');
      if (day.some((b) => day.some((c) => sameInstructor(b, c)))) free = day.find(movable(day));
    }
    assert.ok(free, 'a day in the coming week with a class that can move a quarter later');
    // A day at a time, each shown before the next.
    for (let i = 0; i < ahead; i++) {
      const was = await shown.innerText();
      await page.getByRole('button', { name: 'Later' }).click();
      await page.waitForFunction((was) => document.querySelector('[data-testid="schedule-date"]')?.textContent !== was, was);
    }
    await page.locator(`[data-occurrence="${free.id}"]`).waitFor();

    const cell = page.locator(`[data-occurrence="${free.id}"]`);
    await cell.focus();
    await page.keyboard.press('Alt+ArrowDown');
    await page.getByText(`${free.group.name} now starts at`).waitFor();
    const moved = (await api(page, 'occurrence_get', { id: free.id })).occurrence;
    assert.equal(at(moved) - at(free), 15 * MIN, 'a quarter later at the hub');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.occurrence), free.id, 'focus stays on the class');

    // Dragged onto another class of the same instructor: refused, the reason shown, not moved.
    const now = (await api(page, 'schedule_week', { from: date, days: 1 })).occurrences;
    const pair = now.filter((o) => o.status === 'scheduled').flatMap((b) => now.filter((c) => c.status === 'scheduled' && sameInstructor(b, c)).map((c) => [b, c]))[0];
    assert.ok(pair, 'two classes of one instructor that day');
    const [b, c] = pair;
    const quarter = await page.evaluate(() => document.querySelector('.hour').offsetHeight / 4);
    const box = await page.locator(`[data-occurrence="${b.id}"]`).boundingBox();
    const x = box.x + box.width / 2;
    const y = box.y + 8;
    const dy = ((at(c) - at(b)) / (15 * MIN)) * quarter;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x, y + dy / 2, { steps: 4 });
    await page.mouse.move(x, y + dy, { steps: 4 });
    await page.mouse.up();
    const refusal = page.getByText(/^Not moved:/);
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /instructor|room/i);
    await page.screenshot({ path: join(shots, 'schedule-refused-desk.png') });
    const still = (await api(page, 'occurrence_get', { id: b.id })).occurrence;
    assert.equal(still.starts_at, b.starts_at, 'left where it was');

    // Days stepped through quickly answer out of order: the day shown is the last one asked for.
    const twoOn = new Date(Date.parse(`${date}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);
    const wanted = new Set((await api(page, 'schedule_week', { from: twoOn, days: 1 })).occurrences.map((o) => o.id));
    let first = true;
    await page.route('**/api/schedule_week', async (route) => {
      if (first) {
        first = false;
        await new Promise((ok) => setTimeout(ok, 1500));
      }
      await route.continue();
    });
    await page.getByRole('button', { name: 'Later' }).click();
    await page.getByRole('button', { name: 'Later' }).click();
    await page.waitForTimeout(2500);
    const cells = await page.locator('[data-occurrence]').evaluateAll((els) => els.map((e) => e.dataset.occurrence));
    assert.ok(cells.length > 0 && cells.every((id) => wanted.has(id)), `the classes of ${twoOn}: ${cells}`);
    await page.unroute('**/api/schedule_week');
    assert.deepEqual(errors, []);
  } finally {
    await run.stop();
  }
});
