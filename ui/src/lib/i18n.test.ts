import { describe, expect, it } from 'vitest';
import { catalogs, keysOf, localeFor, translate } from './i18n.svelte';

describe('i18n', () => {
  it('every language has exactly the keys English has', () => {
    const en = keysOf(catalogs.en).sort();
    expect(Object.keys(catalogs).sort()).toEqual(['en', 'km', 'lo', 'ru']);
    for (const locale of ['ru', 'lo', 'km']) expect(keysOf(catalogs[locale]).sort()).toEqual(en);
    expect(en.length).toBeGreaterThan(100);
  });

  it('Lao and Khmer are written in their own scripts', () => {
    const script = { lo: /[\u0E80-\u0EFF]/, km: /[\u1780-\u17FF]/ };
    for (const [locale, re] of Object.entries(script)) {
      expect(translate(locale, 'nav.clients')).toMatch(re);
      expect(translate(locale, 'card.save')).toMatch(re);
      expect(translate(locale, 'clients.total', { count: 3, formatted: '3' })).toMatch(re);
    }
  });

  it('picks the app language from the browser language', () => {
    expect(localeFor('lo-LA')).toBe('lo');
    expect(localeFor('km')).toBe('km');
    expect(localeFor('ru_RU')).toBe('ru');
    expect(localeFor('th-TH')).toBe('en');
  });

  it('every message parses and formats in both languages', () => {
    for (const locale of Object.keys(catalogs)) {
      for (const key of keysOf(catalogs[locale])) {
        // Every argument the message names gets a value.
        const text = key.split('.').reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], catalogs[locale]) as string;
        const values = Object.fromEntries([...text.matchAll(/\{(\w+)/g)].map((m) => [m[1], 3]));
        expect(() => translate(locale, key, values)).not.toThrow();
      }
    }
  });

  it('uses ICU plurals', () => {
    expect(translate('en', 'clients.count', { count: 1 })).toBe('1 client shown');
    expect(translate('ru', 'clients.age', { years: 5 })).toBe('5 лет');
    expect(translate('ru', 'clients.age', { years: 2 })).toBe('2 года');
    expect(translate('ru', 'clients.age', { years: 21 })).toBe('21 год');
  });

  it('falls back to English, then to the key', () => {
    expect(translate('th', 'nav.clients')).toBe('Clients');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });

  it('has a translation for every field error code core sends', () => {
    const codes = ['required', 'too_long', 'too_short', 'invalid_characters', 'invalid_date', 'in_future', 'too_old', 'invalid_email', 'invalid_phone', 'duplicate', 'too_many', 'invalid_login', 'taken', 'invalid_time_zone', 'invalid_currency', 'invalid_country', 'invalid_image', 'too_large', 'out_of_range', 'invalid', 'unknown', 'before_received', 'before_start', 'overlap', 'in_use', 'not_for_company', 'not_for_person', 'choose_one', 'self', 'unsupported_type', 'not_permitted', 'not_a_percent', 'not_a_count', 'not_whole_years', 'after_end', 'already_credit', 'already_paid', 'beyond_allowance', 'cancelled', 'credit_only', 'has_payments', 'inactive', 'is_refund', 'membership_used', 'merged', 'more_than_drawer', 'more_than_due', 'more_than_paid', 'negative', 'not_a_service', 'not_enough_credit', 'not_positive', 'not_started', 'not_usable', 'other_parties', 'overlaps', 'renewed', 'same', 'too_early', 'unlimited', 'ended'];
    for (const code of codes) {
      for (const locale of Object.keys(catalogs)) {
        expect(keysOf(catalogs[locale])).toContain(`errors.field.${code}`);
      }
    }
  });
});
