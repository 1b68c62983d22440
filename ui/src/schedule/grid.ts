// Where classes sit on the grid: one column per room (a day) or per day (a week), a row per
// quarter hour of the centre's local time.
import type { Occurrence, Room } from '../bindings';
import { addDays, localParts, minutesOf } from './time';

export const STEP = 15;

export type Column = { key: string; label: string; date: string; roomId: string | null };

export type Placed = { o: Occurrence; col: number; start: number; end: number };

/** The hours the grid shows: the rooms' opening hours, widened to every class, whole hours. */
export function span(rooms: Room[], placed: { start: number; end: number }[]): { from: number; to: number } {
  let from = 8 * 60;
  let to = 21 * 60;
  const opens = rooms.flatMap((r) => r.opening_hours.map((h) => minutesOf(h.opens)));
  const closes = rooms.flatMap((r) => r.opening_hours.map((h) => minutesOf(h.closes)));
  if (opens.length) from = Math.min(...opens);
  if (closes.length) to = Math.max(...closes);
  for (const p of placed) {
    from = Math.min(from, p.start);
    to = Math.max(to, p.end);
  }
  return { from: Math.floor(from / 60) * 60, to: Math.min(24 * 60, Math.ceil(to / 60) * 60) };
}

/** Columns of a day view (rooms) or a week view (seven days from `from`). */
export function columns(view: 'day' | 'week', from: string, rooms: Room[], dayLabel: (d: string) => string): Column[] {
  if (view === 'day') return rooms.map((r) => ({ key: r.id, label: r.name, date: from, roomId: r.id }));
  return Array.from({ length: 7 }, (_, i) => {
    const date = addDays(from, i);
    return { key: date, label: dayLabel(date), date, roomId: null };
  });
}

/** Each class in its column, with its local start and end in minutes. */
export function place(occurrences: Occurrence[], cols: Column[], view: 'day' | 'week', zone: string): Placed[] {
  const out: Placed[] = [];
  for (const o of occurrences) {
    const s = localParts(o.starts_at, zone);
    const e = localParts(o.ends_at, zone);
    const col = cols.findIndex((c) => c.date === s.date && (view === 'week' || c.roomId === (o.room?.id ?? null)));
    if (col < 0) continue;
    const end = e.date === s.date ? e.minutes : 24 * 60;
    out.push({ o, col, start: s.minutes, end: Math.max(end, s.minutes + STEP) });
  }
  return out;
}

/** The grid rows (1-based, after the header row) a span of minutes takes. */
export function rows(start: number, end: number, from: number): { first: number; last: number } {
  return { first: 2 + Math.floor((start - from) / STEP), last: 2 + Math.ceil((end - from) / STEP) };
}
