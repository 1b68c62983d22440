import { describe, expect, it } from 'vitest';
import { isClock, isDay, weekdayName, whole } from './form';

describe('setup form helpers', () => {
  it('reads whole numbers, blanks and mistakes apart', () => {
    expect(whole(' 12 ')).toBe(12);
    expect(whole('')).toBeNull();
    expect(whole('1.5')).toBeNaN();
    expect(whole('-3')).toBeNaN();
  });
  it('takes 24-hour times only', () => {
    expect(isClock('08:00')).toBe(true);
    expect(isClock('23:59')).toBe(true);
    expect(isClock('24:00')).toBe(false);
    expect(isClock('8:00')).toBe(false);
    expect(isClock('08:0')).toBe(false);
  });
  it('knows a whole date from text still being typed', () => {
    expect(isDay('2026-12-01')).toBe(true);
    expect(isDay('01.12.20')).toBe(false);
  });
  it('names weekdays in the language asked', () => {
    expect(weekdayName(1, 'en', 'long')).toBe('Monday');
    expect(weekdayName(7, 'en', 'long')).toBe('Sunday');
    expect(weekdayName(1, 'ru', 'long')).toBe('понедельник');
  });
});
