import { describe, expect, it } from 'vitest';
import { dueParts, instantOf, isTime } from './due';

describe('due times in the centre zone', () => {
  it('a day and time of the centre is one instant', () => {
    expect(instantOf('2026-11-23', '17:00', 'Asia/Vientiane')).toBe('2026-11-23T10:00:00.000Z');
    expect(instantOf('2026-11-23', '00:30', 'Asia/Vientiane')).toBe('2026-11-22T17:30:00.000Z');
    // Across a change of clocks: summer and winter in Berlin.
    expect(instantOf('2026-07-01', '09:00', 'Europe/Berlin')).toBe('2026-07-01T07:00:00.000Z');
    expect(instantOf('2026-12-01', '09:00', 'Europe/Berlin')).toBe('2026-12-01T08:00:00.000Z');
  });
  it('and back', () => {
    expect(dueParts('2026-11-23T10:00:00Z', 'Asia/Vientiane')).toEqual({ date: '2026-11-23', time: '17:00' });
    expect(dueParts('2026-11-22T17:30:00Z', 'Asia/Vientiane')).toEqual({ date: '2026-11-23', time: '00:30' });
  });
  it('times are HH:MM', () => {
    expect(isTime('09:05')).toBe(true);
    expect(isTime('24:00')).toBe(false);
    expect(isTime('9:5')).toBe(false);
  });
});
