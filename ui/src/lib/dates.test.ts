import { describe, expect, it } from 'vitest';
import { dateOrder, datePattern, formatDateInput, parseDateInput } from './dates';

const letters = { day: 'dd', month: 'mm', year: 'yyyy' };

describe('dates in the app language', () => {
  it('follows the language order and separator', () => {
    expect(dateOrder('ru')).toEqual({ order: ['day', 'month', 'year'], separator: '.' });
    expect(dateOrder('en')).toEqual({ order: ['month', 'day', 'year'], separator: '/' });
    expect(datePattern('ru', letters)).toBe('dd.mm.yyyy');
    expect(formatDateInput('2019-11-22', 'ru')).toBe('22.11.2019');
    expect(formatDateInput('2019-11-22', 'en')).toBe('11/22/2019');
  });

  it('reads what a person types', () => {
    expect(parseDateInput('22.11.2019', 'ru')).toBe('2019-11-22');
    expect(parseDateInput('2.3.2019', 'ru')).toBe('2019-03-02');
    expect(parseDateInput('22112019', 'ru')).toBe('2019-11-22');
    expect(parseDateInput('11/22/2019', 'en')).toBe('2019-11-22');
    expect(parseDateInput('11222019', 'en')).toBe('2019-11-22');
    expect(parseDateInput('2019-11-22', 'ru')).toBe('2019-11-22');
    expect(parseDateInput('  ', 'ru')).toBe('');
  });

  it('refuses what is not a real date, never guessing', () => {
    for (const bad of ['31.02.2010', '02302019', '22.11', '22.11.19', '2010-13-01', 'twenty', '22.11.2019x', '00.01.2000']) {
      expect(parseDateInput(bad, bad === '02302019' ? 'en' : 'ru'), bad).toBeNull();
    }
  });
});
