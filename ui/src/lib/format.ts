import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { dateTimeFormat, numberFormat } from './intl';
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
    const parts = dateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')}`;
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** An E.164 number grouped as its country writes it: +856 20 55 512 345, +7 701 123 4567. */
export function formatPhone(e164: string): string {
  try {
    return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
  } catch {
    return e164;
  }
}

/** A whole number in the app's language: 100,000 · 100 000 · 100.000. */
export function formatNumber(n: number, locale: string): string {
  try {
    return numberFormat(locale).format(n);
  } catch {
    return String(n);
  }
}

/** A calendar date (YYYY-MM-DD) or an instant's date in the centre's zone, in the app's language. */
export function formatDate(value: string, timeZone: string, locale: string): string {
  try {
    const plain = /^\d{4}-\d{2}-\d{2}$/.test(value);
    const date = plain ? new Date(`${value}T12:00:00Z`) : new Date(value);
    return dateTimeFormat(locale, { timeZone: plain ? 'UTC' : timeZone, dateStyle: 'medium' }).format(date);
  } catch {
    return value;
  }
}

export function formatInstant(iso: string, timeZone: string, locale: string): string {
  try {
    return dateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  } catch {
    return iso;
  }
}

/** A person as a picked row shows them: "Name · +856 20 55 512 345". */
export function personLabel(name: string, phone: string | null | undefined): string {
  return phone ? `${name} · ${formatPhone(phone)}` : name;
}

/** The time of day of an instant in `timeZone`: "14:05" or "2:05 PM", as the language writes it. */
export function formatTime(iso: string, timeZone: string, locale: string): string {
  try {
    return dateTimeFormat(locale, { timeZone, timeStyle: 'short' }).format(new Date(iso));
  } catch {
    return iso;
  }
}
