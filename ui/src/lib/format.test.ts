import { describe, expect, it } from 'vitest';
import { ageOn, formatPhone, todayIn } from './format';

describe('format', () => {
  it('computes whole years of age', () => {
    expect(ageOn('2010-11-24', '2026-11-23')).toBe(15);
    expect(ageOn('2010-11-23', '2026-11-23')).toBe(16);
  });
  it('groups E.164 numbers', () => {
    expect(formatPhone('+8562055512345')).toBe('+856 20 5551 2345');
    expect(formatPhone('12')).toBe('12');
  });
  it('knows today in the centre\'s zone', () => {
    expect(todayIn('Asia/Vientiane', new Date('2026-11-23T20:00:00Z'))).toBe('2026-11-24');
    expect(todayIn('Not/AZone', new Date('2026-11-23T20:00:00Z'))).toBe('2026-11-23');
  });
});
