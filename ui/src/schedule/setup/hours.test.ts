import { describe, expect, it } from 'vitest';
import { hoursSummary, slotsAfter, slotsOn } from './hours';

describe('hoursSummary', () => {
  it('puts days with the same hours together', () => {
    const spans = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '20:00' }));
    spans.push({ weekday: 6, opens: '10:00', closes: '14:00' });
    expect(hoursSummary(spans, 'en')).toBe('Mon–Fri 09:00–20:00; Sat 10:00–14:00');
  });
  it('lists two days or broken runs one by one', () => {
    const spans = [1, 3, 4].map((weekday) => ({ weekday, opens: '08:00', closes: '12:00' }));
    expect(hoursSummary(spans, 'en')).toBe('Mon, Wed, Thu 08:00–12:00');
  });
  it('says nothing for no hours', () => {
    expect(hoursSummary([], 'en')).toBe('');
  });
});

describe('slots over time', () => {
  const slot = (valid_from: string, valid_until: string | null) => ({ valid_from, valid_until });
  const slots = [slot('2026-01-05', '2026-12-06'), slot('2026-12-07', null)];
  it('tells the slots in force on a day from those that come later', () => {
    expect(slotsOn(slots, '2026-12-01')).toEqual([slots[0]]);
    expect(slotsOn(slots, '2026-12-06')).toEqual([slots[0]]);
    expect(slotsOn(slots, '2026-12-07')).toEqual([slots[1]]);
    expect(slotsAfter(slots, '2026-12-01')).toEqual([slots[1]]);
    expect(slotsAfter(slots, '2026-12-07')).toEqual([]);
  });
});
