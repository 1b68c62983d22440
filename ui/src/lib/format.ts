// Display helpers: ages, phone numbers, dates in the centre's zone.

/** Whole years between a birth date (YYYY-MM-DD) and today (YYYY-MM-DD). */
export function ageOn(birth: string, today: string): number {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** Today's date in a time zone, as YYYY-MM-DD. */
export function todayIn(timeZone: string, now = new Date()): string {
  try {
    // formatToParts: engines differ in how a locale orders the parts of a date.
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')}`;
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** An E.164 number grouped for reading: +856 20 5551 2345. */
export function formatPhone(e164: string): string {
  const m = /^\+(\d{1,3}?)(\d{2})(\d{3,4})(\d{4})$/.exec(e164);
  if (!m) return e164;
  return `+${m[1]} ${m[2]} ${m[3]} ${m[4]}`;
}

export function formatInstant(iso: string, timeZone: string, locale: string): string {
  try {
    return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  } catch {
    return iso;
  }
}
