import { describe, expect, it } from 'vitest';
import { formatMoney, moneyInput, parseMoney } from './amount';

describe('money on screen', () => {
  it('shows minor units in the language, decimals only when there are some', () => {
    expect(formatMoney(125_000_000, 'LAK', 2, 'en').replace(/\s/g, ' ')).toBe('LAK 1,250,000');
    expect(formatMoney(125_000_050, 'USD', 2, 'en')).toBe('$1,250,000.50');
    expect(formatMoney(-1_005, 'USD', 2, 'en')).toBe('-$10.05');
    expect(formatMoney(1_250_000, 'JPY', 0, 'en')).toBe('¥1,250,000');
    expect(formatMoney(125_000_050, 'RUB', 2, 'ru').replace(/\s/g, ' ')).toBe('1 250 000,50 ₽');
  });

  it('keeps every digit of a large amount', () => {
    expect(formatMoney(999_999_999_999, 'USD', 2, 'en')).toBe('$9,999,999,999.99');
  });

  it('reads what was typed in the language, or says what is wrong', () => {
    expect(parseMoney('1,250.5', 2, 'en')).toEqual({ minor: 125_050 });
    expect(parseMoney('1 250,5', 2, 'ru')).toEqual({ minor: 125_050 });
    expect(parseMoney('1250.5', 2, 'ru')).toEqual({ minor: 125_050 });
    expect(parseMoney('1 250 000', 2, 'lo')).toEqual({ minor: 125_000_000 });
    expect(parseMoney('', 2, 'en')).toEqual({ problem: 'required' });
    expect(parseMoney('12,5.0.1', 2, 'en')).toEqual({ problem: 'invalid' });
    expect(parseMoney('10.005', 2, 'en')).toEqual({ problem: 'too_many_decimals' });
    expect(parseMoney('-5', 2, 'en')).toEqual({ problem: 'negative' });
    expect(parseMoney('5.', 2, 'en')).toEqual({ minor: 500 });
    expect(parseMoney('7', 0, 'en')).toEqual({ minor: 7 });
  });

  it('puts an amount back into a field as it would be typed', () => {
    expect(moneyInput(125_050, 2, 'ru')).toBe('1250,50');
    expect(moneyInput(125_000, 2, 'en')).toBe('1250');
  });
});
