import { describe, expect, it } from 'vitest';
import { ageOn, formatDate, formatNumber, formatPhone, todayIn } from './format';

describe('format', () => {
  it('computes whole years of age', () => {
    expect(ageOn('2010-11-24', '2026-11-23')).toBe(15);
    expect(ageOn('2010-11-23', '2026-11-23')).toBe(16);
  });
  it('groups E.164 numbers', () => {
    expect(formatPhone('+8562055512345')).toBe('+856 20 55 512 345');
    expect(formatPhone('+77011234567')).toBe('+7 701 123 4567');
    expect(formatPhone('+79161234567')).toBe('+7 916 123-45-67'.replace(/-/g, ' '));
    expect(formatPhone('12')).toBe('12');
  });
  it('writes numbers and dates in the app language, not the browser\'s', () => {
    expect(formatNumber(100000, 'en')).toBe('100,000');
    expect(formatNumber(100000, 'ru')).toBe('100\u00a0000');
    expect(formatDate('2019-02-28', 'Asia/Vientiane', 'en')).toBe('Feb 28, 2019');
    expect(formatDate('2019-02-28', 'Asia/Vientiane', 'ru')).toBe('28 февр. 2019 г.');
    expect(formatDate('2026-11-23T20:00:00Z', 'Asia/Vientiane', 'en')).toBe('Nov 24, 2026');
  });
  it('knows today in the centre\'s zone', () => {
    expect(todayIn('Asia/Vientiane', new Date('2026-11-23T20:00:00Z'))).toBe('2026-11-24');
    expect(todayIn('Not/AZone', new Date('2026-11-23T20:00:00Z'))).toBe('2026-11-23');
  });
});
