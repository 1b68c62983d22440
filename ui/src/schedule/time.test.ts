import { describe, expect, it } from 'vitest';
import { addDays, clock, localParts, minutesOf, weekStart } from './time';

describe('grid times', () => {
  it('reads an instant in the centre zone, across a daylight-saving change', () => {
    expect(localParts('2026-11-23T10:00:00Z', 'Asia/Vientiane')).toEqual({ date: '2026-11-23', minutes: 17 * 60 });
    // Berlin: 17:00 local is 15:00Z before the change (24 October) and 16:00Z after.
    expect(localParts('2026-10-24T15:00:00Z', 'Europe/Berlin').minutes).toBe(17 * 60);
    expect(localParts('2026-10-26T16:00:00Z', 'Europe/Berlin').minutes).toBe(17 * 60);
    expect(localParts('2026-11-30T23:30:00Z', 'Asia/Vientiane').date).toBe('2026-12-01');
  });

  it('counts days and weeks on the calendar', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-29', -1)).toBe('2026-03-28');
    expect(weekStart('2026-11-29')).toBe('2026-11-23');
    expect(weekStart('2026-11-23')).toBe('2026-11-23');
    expect(clock(9 * 60 + 5)).toBe('09:05');
    expect(minutesOf('17:45')).toBe(17 * 60 + 45);
  });
});
