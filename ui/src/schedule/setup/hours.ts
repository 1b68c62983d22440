import type { OpeningSpan } from '../../bindings';
import { weekdayName } from './form';

/** Weekly hours in a line: days with the same hours together, e.g. "Mon–Fri 09:00–20:00". */
export function hoursSummary(spans: OpeningSpan[], locale: string): string {
  const byTimes = new Map<string, number[]>();
  for (const s of [...spans].sort((a, b) => a.weekday - b.weekday || a.opens.localeCompare(b.opens))) {
    const key = `${s.opens}–${s.closes}`;
    byTimes.set(key, [...(byTimes.get(key) ?? []), s.weekday]);
  }
  return [...byTimes]
    .map(([times, days]) => {
      const runs: number[][] = [];
      for (const d of days) {
        const run = runs.at(-1);
        if (run && run.at(-1) === d - 1) run.push(d);
        else runs.push([d]);
      }
      const names = runs.map((r) => (r.length > 2 ? `${weekdayName(r[0], locale)}–${weekdayName(r.at(-1)!, locale)}` : r.map((d) => weekdayName(d, locale)).join(', ')));
      return `${names.join(', ')} ${times}`;
    })
    .join('; ');
}

/** A group's weekly slots in a line, e.g. "Mon 17:00, Wed 17:00". */
export function slotsSummary(slots: { weekday: number; start: string; every_weeks: number }[], locale: string, fortnightly: string): string {
  return [...slots]
    .sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start))
    .map((s) => `${weekdayName(s.weekday, locale)} ${s.start}${s.every_weeks > 1 ? ` (${fortnightly})` : ''}`)
    .join(', ');
}

type Dated = { valid_from: string; valid_until: string | null };

/** The slots in force on `day` (both ends included). */
export function slotsOn<S extends Dated>(slots: S[], day: string): S[] {
  return slots.filter((s) => s.valid_from <= day && (s.valid_until === null || s.valid_until >= day));
}

/** The slots that take over after `day` (a timetable applied from a later day), if any. */
export function slotsAfter<S extends Dated>(slots: S[], day: string): S[] {
  return slots.filter((s) => s.valid_from > day);
}
