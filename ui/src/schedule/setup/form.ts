import { tick } from 'svelte';
import { fieldErrors } from '../../lib/api';
import { errorText, failureText } from '../../lib/i18n.svelte';
import { dateTimeFormat } from '../../lib/intl';

/** A whole number typed: `null` for a blank, NaN for anything else. */
export function whole(s: string): number | null {
  const v = s.trim();
  if (v === '') return null;
  return /^\d+$/.test(v) ? Number(v) : NaN;
}

/** `HH:MM` on a 24-hour clock. */
export const isClock = (s: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(s.trim());

/** `YYYY-MM-DD`: what a date field holds once its text is a real date. */
export const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

/** The hub's refusal as messages by field, `prefix` taken off (`room.name` → `name`);
 * a refusal that names no field comes under `_`. */
export function hubErrors(err: unknown, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fieldErrors(err))) {
    const key = k.startsWith(prefix) ? k.slice(prefix.length) : k;
    out[key] ??= errorText(v);
  }
  if (!Object.keys(out).length) out._ = failureText(err);
  return out;
}

/** Focus moves to the first field in `form` marked wrong: a field flagged invalid, the field
 * beside an error, or an error of the whole form. */
export async function focusFirstError(form: HTMLElement | undefined): Promise<void> {
  await tick();
  const first = form?.querySelector<HTMLElement>('[aria-invalid="true"], .error');
  if (!first) return;
  const field = first.matches('.error') ? first.closest('label, fieldset')?.querySelector<HTMLElement>('input, select, textarea') : first;
  (field ?? first).focus();
}

/** A weekday's name (1 Monday … 7 Sunday) in the app's language. */
export function weekdayName(day: number, locale: string, style: 'short' | 'long' = 'short'): string {
  // 2024-01-01 was a Monday.
  return dateTimeFormat(locale, { timeZone: 'UTC', weekday: style }).format(new Date(Date.UTC(2024, 0, day, 12)));
}

/** Times not typed as `HH:MM` in a list of weekly hours, by field (`<field>.<i>.opens`). */
export function spanErrors(spans: { opens: string; closes: string }[], field: string, message: string): Record<string, string> {
  const out: Record<string, string> = {};
  spans.forEach((s, i) => {
    if (!isClock(s.opens)) out[`${field}.${i}.opens`] = message;
    if (!isClock(s.closes)) out[`${field}.${i}.closes`] = message;
  });
  return out;
}
