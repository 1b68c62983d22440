// Every text of the UI goes through t(). Messages are ICU (plurals, values); English,
// Russian, Lao and Khmer are complete, and a test keeps their keys identical.
import { IntlMessageFormat } from 'intl-messageformat';
import { ApiFailure } from './api';
import { ensureIntl, intlKnows } from './intl';
import en from './locales/en.json';
import ru from './locales/ru.json';
import lo from './locales/lo.json';
import km from './locales/km.json';

type Tree = { [k: string]: string | Tree };
export const catalogs: Record<string, Tree> = { en, ru, lo, km };
export const locales = [
  { code: 'en', name: 'English' },
  { code: 'ru', name: 'Русский' },
  { code: 'lo', name: 'ລາວ' },
  { code: 'km', name: 'ខ្មែរ' },
] as const;
export type Locale = (typeof locales)[number]['code'];

/** `pending`: a language whose date and number data is still loading. */
export const i18n = $state({ locale: 'en' as Locale, pending: null as Locale | null });

// A plain cache of parsed messages, not reactive state.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const cache = new Map<string, IntlMessageFormat>();

function lookup(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

export function translate(locale: string, key: string, values?: Record<string, unknown>): string {
  const source = lookup(catalogs[locale] ?? en, key) ?? lookup(en, key);
  if (source === undefined) return key;
  const id = `${locale}\u0000${key}`;
  let fmt = cache.get(id);
  if (!fmt) {
    fmt = new IntlMessageFormat(source, locale);
    cache.set(id, fmt);
  }
  return String(fmt.format(values as Record<string, string | number>));
}

export function t(key: string, values?: Record<string, unknown>): string {
  return translate(i18n.locale, key, values);
}

/** The app's language for a browser language tag ("lo-LA" → "lo"), English when none fits. */
export function localeFor(tag: string): Locale {
  const base = tag.toLowerCase().split(/[-_]/)[0];
  return locales.find((l) => l.code === base)?.code ?? 'en';
}

let switching = 0;
/** How long the texts wait for a language's date and number data (a slow LAN). */
const INTL_WAIT_MS = 8000;

/** Switches the app's language once the engine can format its dates and numbers (or after
 * [`INTL_WAIT_MS`], when only the texts switch); the last language asked for wins. */
export async function setLocale(code: string): Promise<void> {
  if (!locales.some((l) => l.code === code)) return;
  const ticket = ++switching;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The pickers say the language is loading (a second or so over a LAN).
  i18n.pending = intlKnows(code) ? null : (code as Locale);
  try {
    await Promise.race([
      ensureIntl(code),
      new Promise<void>((done) => {
        timer = setTimeout(done, INTL_WAIT_MS);
      }),
    ]);
  } catch (e) {
    // The texts still switch; dates and numbers then follow the engine's fallback.
    console.error('Intl data for', code, 'did not load', e);
  } finally {
    clearTimeout(timer);
  }
  if (ticket !== switching) return;
  i18n.pending = null;
  i18n.locale = code as Locale;
  document.documentElement.lang = code;
}

/** All leaf keys of a catalog, for completeness checks. */
export function keysOf(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : keysOf(v, `${prefix}${k}.`),
  );
}

/** A field error in the user's language: by its code, else core's English message. */
export function errorText(err: { code: string; message: string } | undefined): string {
  if (!err) return '';
  const key = `errors.field.${err.code}`;
  const text = t(key);
  return text === key ? err.message : text;
}

/** A failed call as the user reads it: the error's code in the app's language. */
export function failureText(e: unknown): string {
  // The app's hub is away or not the one it trusts: say which.
  if (e instanceof ApiFailure && e.error.code === 'unavailable') return t(`errors.hub.${e.error.reason}`);
  return t(`errors.${e instanceof ApiFailure ? e.error.code : 'internal'}`);
}
