import { describe, expect, it } from 'vitest';
import type { Occurrence, Room } from '../bindings';
import { columns, place, rows, span } from './grid';

const room = (id: string, opens = '08:00', closes = '21:00') =>
  ({ id, name: id, opening_hours: [{ weekday: 1, opens, closes }] }) as unknown as Room;
const occ = (id: string, starts: string, ends: string, roomId: string) =>
  ({ id, starts_at: starts, ends_at: ends, room: { id: roomId, name: roomId } }) as unknown as Occurrence;

describe('the grid', () => {
  it('puts a class in its room and quarter hours, local time', () => {
    const cols = columns('day', '2026-11-23', [room('a'), room('b')], (d) => d);
    const placed = place([occ('x', '2026-11-23T10:00:00Z', '2026-11-23T11:00:00Z', 'b')], cols, 'day', 'Asia/Vientiane');
    expect(placed).toEqual([expect.objectContaining({ col: 1, start: 17 * 60, end: 18 * 60 })]);
    expect(rows(17 * 60, 18 * 60, 8 * 60)).toEqual({ first: 2 + 36, last: 2 + 40 });
  });

  it('spans the opening hours, widened to fit every class', () => {
    expect(span([room('a', '09:30', '20:15')], [])).toEqual({ from: 9 * 60, to: 21 * 60 });
    expect(span([room('a')], [{ start: 6 * 60 + 30, end: 7 * 60 }])).toEqual({ from: 6 * 60, to: 21 * 60 });
  });

  it('a week has seven day columns', () => {
    const cols = columns('week', '2026-11-23', [], (d) => d);
    expect(cols.map((c) => c.date)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
  });
});
