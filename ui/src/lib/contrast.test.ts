import { describe, expect, it } from 'vitest';
import { contrast } from './contrast';
import { themeNames, themes, type Palette } from './themes';

/** Every text/background pair the screens use, and the ratio it needs (AA). */
const PAIRS: [keyof Palette, keyof Palette, number][] = [
  ['fg0', 'bg0', 4.5],
  ['fg0', 'bg1', 4.5],
  ['fg0', 'bg2', 4.5],
  ['fg1', 'bg0', 4.5],
  ['fg1', 'bg1', 4.5],
  ['fg1', 'bg2', 4.5],
  ['accentFg', 'accent', 4.5],
  ['accent', 'bg1', 4.5],
  ['danger', 'bg1', 4.5],
  ['danger', 'bg2', 4.5],
  ['ok', 'bg1', 4.5],
  ['ok', 'bg2', 4.5],
  ['warn', 'bg1', 4.5],
  ['warn', 'bg2', 4.5],
  ['bg1', 'warn', 4.5],
  ['focus', 'bg0', 3],
  ['focus', 'bg1', 3],
  ['border', 'bg1', 1.3],
];

describe('every theme meets WCAG AA', () => {
  it.each(themeNames)('%s', (name) => {
    const p = themes[name];
    const failures = PAIRS.filter(([fg, bg, need]) => contrast(p[fg] as string, p[bg] as string) < need).map(
      ([fg, bg, need]) => `${fg} on ${bg}: ${contrast(p[fg] as string, p[bg] as string).toFixed(2)} < ${need}`,
    );
    expect(failures).toEqual([]);
  });

  it('measures as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
});
