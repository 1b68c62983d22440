// Call durations on screen: "0:42", "12:05", "1:02:30", with the app language's digits.
import { numberFormat } from '../lib/intl';

export function duration(seconds: number, locale: string): string {
  const s = Math.max(0, Math.round(seconds));
  const two = (n: number) => numberFormat(locale, { minimumIntegerDigits: 2, useGrouping: false }).format(n);
  const one = (n: number) => numberFormat(locale, { useGrouping: false }).format(n);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${one(h)}:${two(m)}:${two(rest)}` : `${one(m)}:${two(rest)}`;
}
