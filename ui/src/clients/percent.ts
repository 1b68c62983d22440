// Discount percentages as core keeps them: whole basis points (12.5 % = 1250), read from and
// written to what a person types, with no floating-point arithmetic.

/** Basis points of a typed percentage ("12.5", "12,5", "7"), or null when it is not one. */
export function percentToPoints(text: string): number | null {
  const m = /^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!m) return null;
  const points = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return points <= 10_000 ? points : null;
}

/** A percentage as typed back, in the reader's language ("12.5" or "12,5"). */
export function pointsToPercent(points: number, locale: string): string {
  const whole = Math.trunc(points / 100);
  const frac = points % 100;
  if (frac === 0) return String(whole);
  const sep = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  return `${whole}${sep}${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}
