// Dates typed in the app's language, not the browser's: "22.11.2019" in Russian,
// "11/22/2019" in English. A date is kept as ISO (YYYY-MM-DD); what cannot be read as a real
// date stays as typed, so the form reports it at its field instead of saving a blank.

import { dateTimeFormat } from './intl';

type Part = 'day' | 'month' | 'year';

/** The order of day, month and year in `locale`, and the separator it writes. */
export function dateOrder(locale: string): { order: Part[]; separator: string } {
  const parts = dateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(2001, 10, 22));
  const order = parts.filter((p) => p.type === 'day' || p.type === 'month' || p.type === 'year').map((p) => p.type as Part);
  const separator = parts.find((p) => p.type === 'literal')?.value.trim() || '/';
  return { order: order.length === 3 ? order : ['day', 'month', 'year'], separator };
}

/** How the field hints the pattern: "dd.mm.yyyy", "mm/dd/yyyy". */
export function datePattern(locale: string, letters: Record<Part, string>): string {
  const { order, separator } = dateOrder(locale);
  return order.map((p) => letters[p]).join(separator);
}

/** An ISO date as `locale` writes it with digits: 2019-11-22 → "22.11.2019". */
export function formatDateInput(iso: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const { order, separator } = dateOrder(locale);
  const value: Record<Part, string> = { year: m[1], month: m[2], day: m[3] };
  return order.map((p) => value[p]).join(separator);
}

function iso(year: number, month: number, day: number): string | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (year < 1000 || d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Reads a typed date: ISO, the locale's order with any separator, or eight digits in the
 * locale's order. `''` for an empty field, `null` for anything that is not a real date.
 */
export function parseDateInput(text: string, locale: string): string | null {
  const s = text.trim();
  if (s === '') return '';
  const isoMatch = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (isoMatch) return iso(Number(isoMatch[1]), Number(isoMatch[2]), Number(isoMatch[3]));
  const { order } = dateOrder(locale);
  let groups = s.split(/[^\d]+/).filter((g) => g !== '');
  if (groups.length === 1 && /^\d{8}$/.test(groups[0])) {
    const g = groups[0];
    let at = 0;
    groups = order.map((p) => {
      const len = p === 'year' ? 4 : 2;
      const piece = g.slice(at, at + len);
      at += len;
      return piece;
    });
  }
  if (groups.length !== 3 || /[^\d\s./-]/.test(s)) return null;
  const value = Object.fromEntries(order.map((p, i) => [p, groups[i]])) as Record<Part, string>;
  if (value.year.length !== 4 || value.day.length > 2 || value.month.length > 2) return null;
  return iso(Number(value.year), Number(value.month), Number(value.day));
}
