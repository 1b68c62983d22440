/**
 * Money on screen: integer minor units of the centre's currency, shown and typed in the app's
 * language. The exponent (decimals of the minor unit) comes from the server, which follows
 * ISO 4217, so LAK shows as kip with its two decimals only when they are not zero.
 */

/** Shows `minor` units: "₭ 1,250,000", "1 250 000,50 ₭"… */
export function formatMoney(minor: number, currency: string, exponent: number, locale: string): string {
  const scale = 10 ** exponent;
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const major = Math.trunc(abs / scale);
  const frac = abs % scale;
  const digits = frac === 0 ? 0 : exponent;
  const text = digits === 0 ? `${sign}${major}` : `${sign}${major}.${String(frac).padStart(exponent, '0')}`;
  try {
    const f = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    // Decimal strings keep every digit (no float rounding on the way).
    return f.format(text as unknown as number);
  } catch {
    return `${text} ${currency}`;
  }
}

export type AmountProblem = 'required' | 'invalid' | 'too_many_decimals' | 'negative';

/** The separators the app's language writes numbers with. */
function separators(locale: string): { group: string; decimal: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  return {
    group: parts.find((p) => p.type === 'group')?.value ?? ',',
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
  };
}

/**
 * Reads what a user typed into minor units, in the app's language ("1 250,50", "1,250.50");
 * a half-typed or wrong amount is a problem, never a silent zero.
 */
export function parseMoney(raw: string, exponent: number, locale: string): { minor: number } | { problem: AmountProblem } {
  const { group, decimal } = separators(locale);
  let s = raw.trim();
  if (s === '') return { problem: 'required' };
  if (s.startsWith('-')) return { problem: 'negative' };
  s = s.replace(/[\s\u00a0\u202f]/g, '');
  if (group !== decimal) s = s.split(group).join('');
  // A point typed on a keyboard whose language writes a comma still means decimals when the
  // language does not group with a point.
  if (decimal !== '.') s = group === '.' ? s.replace(decimal, '.') : s.replace(decimal, '.').replace(/,/g, '');
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return { problem: 'invalid' };
  const frac = m[2] ?? '';
  if (frac.length > exponent) return { problem: 'too_many_decimals' };
  const minor = Number(m[1]) * 10 ** exponent + Number(frac.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor)) return { problem: 'invalid' };
  return { minor };
}

/** How a minor amount is typed back into a field (no grouping, the language's decimal mark). */
export function moneyInput(minor: number, exponent: number, locale: string): string {
  const scale = 10 ** exponent;
  const major = Math.trunc(minor / scale);
  const frac = minor % scale;
  if (frac === 0) return String(major);
  return `${major}${separators(locale).decimal}${String(frac).padStart(exponent, '0')}`;
}
