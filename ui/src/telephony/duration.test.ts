import { describe, expect, it } from 'vitest';
import { duration } from './duration';

describe('call durations', () => {
  it('minutes and seconds, hours when there are some', () => {
    expect(duration(0, 'en')).toBe('0:00');
    expect(duration(42, 'en')).toBe('0:42');
    expect(duration(725, 'en')).toBe('12:05');
    expect(duration(3750, 'en')).toBe('1:02:30');
  });
  it("with the language's digits", () => {
    expect(duration(65, 'lo-u-nu-laoo')).toBe('໑:໐໕');
  });
});
