import { describe, expect, it } from 'vitest';
import { themeNames, themes, themeVars } from './themes';
import { catalogs, keysOf } from './i18n.svelte';

describe('themes', () => {
  it('has at least eight, including dark and high contrast', () => {
    expect(themeNames.length).toBeGreaterThanOrEqual(8);
    expect(themeNames).toContain('dark');
    expect(themeNames).toContain('high-contrast');
  });

  it('every palette defines every token as a colour, and has a name in each language', () => {
    const tokens = Object.keys(themeVars(themes.light)).sort();
    for (const name of themeNames) {
      const vars = themeVars(themes[name]);
      expect(Object.keys(vars).sort()).toEqual(tokens);
      for (const v of Object.values(vars)) expect(v).toMatch(/^#[0-9a-f]{6}$/i);
      for (const locale of Object.keys(catalogs)) expect(keysOf(catalogs[locale])).toContain(`themes.${name}`);
    }
    expect(tokens).toContain('--accent-fg');
  });
});
