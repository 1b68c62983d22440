import { describe, expect, it } from 'vitest';
import { percentToPoints, pointsToPercent } from './percent';

describe('discount percentages', () => {
  it('reads what a person types into basis points, without floats', () => {
    expect(percentToPoints('12.5')).toBe(1250);
    expect(percentToPoints('12,5')).toBe(1250);
    expect(percentToPoints('7')).toBe(700);
    expect(percentToPoints(' 0.05 % ')).toBe(5);
    expect(percentToPoints('100')).toBe(10_000);
  });

  it('refuses what is not a percentage', () => {
    for (const bad of ['', 'ten', '101', '12.345', '-5', '1e2']) expect(percentToPoints(bad)).toBeNull();
  });

  it('writes basis points back in the reader language', () => {
    expect(pointsToPercent(1250, 'en')).toBe('12.5');
    expect(pointsToPercent(1250, 'ru')).toBe('12,5');
    expect(pointsToPercent(705, 'en')).toBe('7.05');
    expect(pointsToPercent(1000, 'en')).toBe('10');
  });
});
