import { describe, expect, it } from 'vitest';
import { currencyName, guessCountry, regionName } from './regions';

describe('setup presets', () => {
  it('start from the device time zone, then its language region, then Laos', () => {
    expect(guessCountry('Asia/Phnom_Penh', 'en-US')).toMatchObject({ code: 'KH', currency: 'KHR' });
    expect(guessCountry('UTC', 'ru-KZ')).toMatchObject({ code: 'KZ', currency: 'KZT' });
    expect(guessCountry('UTC', 'lo')).toMatchObject({ code: 'LA', currency: 'LAK' });
  });
  it('name countries and currencies in the app language, not raw codes', () => {
    expect(regionName('LA', 'en')).toBe('Laos');
    expect(regionName('LA', 'ru')).toBe('Лаос');
    expect(currencyName('LAK', 'en')).toMatch(/Kip/);
  });
});
