// Every text of the UI goes through t(). Messages are ICU (plurals, values); English and
// Russian are complete, and a test keeps their keys identical.
import { IntlMessageFormat } from 'intl-messageformat';
import { ApiFailure } from './api';
import en from './locales/en.json';
import ru from './locales/ru.json';

type Tree = { [k: string]: string | Tree };
export const catalogs: Record<string, Tree> = { en, ru };
export const locales = [
  { code: 'en', name: 'English' },
  { code: 'ru', name: 'Русский' },
] as const;
export type Locale = (typeof locales)[number]['code'];

export const i18n = $state({ locale: 'en' as Locale });

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

export function setLocale(code: string) {
  if (locales.some((l) => l.code === code)) {
    i18n.locale = code as Locale;
    document.documentElement.lang = code;
  }
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
  return t(`errors.${e instanceof ApiFailure ? e.error.code : 'internal'}`);
}
