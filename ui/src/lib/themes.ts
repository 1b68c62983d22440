// Themes are data: a palette each. Components read only the CSS custom properties, so a new
// theme is one entry here.
export interface Palette {
  scheme: 'light' | 'dark';
  bg0: string; // page
  bg1: string; // panels
  bg2: string; // inputs, hover
  fg0: string; // text
  fg1: string; // secondary text
  border: string;
  accent: string;
  accentFg: string;
  danger: string;
  ok: string;
  warn: string;
  focus: string;
}

export const themes: Record<string, Palette> = {
  light: { scheme: 'light', bg0: '#f4f6f8', bg1: '#ffffff', bg2: '#eef1f4', fg0: '#1b1f24', fg1: '#57606a', border: '#d0d7de', accent: '#1f6feb', accentFg: '#ffffff', danger: '#cf222e', ok: '#17732f', warn: '#875b00', focus: '#0969da' },
  dark: { scheme: 'dark', bg0: '#0d1117', bg1: '#161b22', bg2: '#21262d', fg0: '#e6edf3', fg1: '#9198a1', border: '#30363d', accent: '#388bfd', accentFg: '#0d1117', danger: '#f8544d', ok: '#3fb950', warn: '#d29922', focus: '#58a6ff' },
  'high-contrast': { scheme: 'dark', bg0: '#000000', bg1: '#000000', bg2: '#1a1a1a', fg0: '#ffffff', fg1: '#ffff00', border: '#ffffff', accent: '#ffff00', accentFg: '#000000', danger: '#ff6b6b', ok: '#00ff7f', warn: '#ffa500', focus: '#00ffff' },
  'high-contrast-light': { scheme: 'light', bg0: '#ffffff', bg1: '#ffffff', bg2: '#f0f0f0', fg0: '#000000', fg1: '#000000', border: '#000000', accent: '#0000cc', accentFg: '#ffffff', danger: '#b00000', ok: '#005a00', warn: '#7a4a00', focus: '#cc00cc' },
  sepia: { scheme: 'light', bg0: '#f4ecd8', bg1: '#fbf6ea', bg2: '#ece2c9', fg0: '#3b2f1e', fg1: '#6b5a42', border: '#d6c7a1', accent: '#8a5a19', accentFg: '#ffffff', danger: '#a4281b', ok: '#456e1c', warn: '#796000', focus: '#b5651d' },
  ocean: { scheme: 'light', bg0: '#e8f4f8', bg1: '#ffffff', bg2: '#d6ebf2', fg0: '#0b2a36', fg1: '#3d6373', border: '#b3d4e0', accent: '#0077a8', accentFg: '#ffffff', danger: '#b83729', ok: '#147451', warn: '#865e08', focus: '#005f86' },
  forest: { scheme: 'dark', bg0: '#0f1a14', bg1: '#15241b', bg2: '#1d3226', fg0: '#e3f1e8', fg1: '#9bb8a6', border: '#2b4736', accent: '#4caf70', accentFg: '#06130b', danger: '#ff7b72', ok: '#7ee2a8', warn: '#e3b341', focus: '#8bd9a8' },
  rose: { scheme: 'light', bg0: '#fdf0f3', bg1: '#ffffff', bg2: '#f8dfe6', fg0: '#3a1520', fg1: '#7a4654', border: '#ecc1cd', accent: '#c2185b', accentFg: '#ffffff', danger: '#b71c1c', ok: '#2a732e', warn: '#885b00', focus: '#ad1457' },
  slate: { scheme: 'dark', bg0: '#1e2329', bg1: '#262c33', bg2: '#30373f', fg0: '#e8ecf0', fg1: '#a3adb8', border: '#3d4650', accent: '#7aa2f7', accentFg: '#10141a', danger: '#f77990', ok: '#9ece6a', warn: '#e0af68', focus: '#bb9af7' },
  sunset: { scheme: 'light', bg0: '#fff4ec', bg1: '#ffffff', bg2: '#ffe4d1', fg0: '#3d1f0f', fg1: '#7c4a2d', border: '#f3c9a9', accent: '#c2410c', accentFg: '#ffffff', danger: '#c52929', ok: '#247434', warn: '#9a5600', focus: '#d9480f' },
};

export const themeNames = Object.keys(themes);
export const defaultTheme = 'light';

const cssVar = (k: string) => `--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;

/** The CSS custom properties of a palette. */
export function themeVars(p: Palette): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) if (k !== 'scheme') out[cssVar(k)] = v;
  return out;
}

export function applyTheme(name: string, root: HTMLElement = document.documentElement) {
  const palette = themes[name] ?? themes[defaultTheme];
  for (const [k, v] of Object.entries(themeVars(palette))) root.style.setProperty(k, v);
  root.style.colorScheme = palette.scheme;
  root.dataset.theme = themes[name] ? name : defaultTheme;
}
