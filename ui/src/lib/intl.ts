// Chromium — a browser on the LAN, WebView2 on Windows, Android's WebView — ships no Intl data
// for Lao or Khmer: dates, numbers and country names would come out in American English. When
// the app's language is one the engine lacks, FormatJS's polyfills are loaded with the CLDR
// data of every app language (so switching back to English or Russian keeps working), and
// the language is switched only once they are in place. WebKitGTK and Node have full data and
// load nothing.

type Service = { supportedLocalesOf(locales: string[]): string[] };

/** True when every Intl service the app uses knows `locale`. */
export function intlKnows(locale: string): boolean {
  const services: Service[] = [Intl.PluralRules, Intl.NumberFormat, Intl.DateTimeFormat, Intl.DisplayNames];
  return services.every((s) => s.supportedLocalesOf([locale]).length > 0);
}

let loading: Promise<void> | null = null;

/** Makes `locale`'s dates, numbers and names available; resolves at once when they are. */
export function ensureIntl(locale: string): Promise<void> {
  if (intlKnows(locale)) return Promise.resolve();
  loading ??= load().catch((e) => {
    loading = null;
    throw e;
  });
  return loading;
}

type WithZone = typeof Intl.DateTimeFormat & { __setDefaultTimeZone?: (zone: string) => void };

async function load() {
  // The polyfill's own default zone is UTC: keep the device's.
  const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  // Each polyfill leans on the ones before it: plural rules, then numbers, then dates.
  await import('@formatjs/intl-pluralrules/polyfill-force.js');
  await Promise.all([
    import('@formatjs/intl-pluralrules/locale-data/en.js'),
    import('@formatjs/intl-pluralrules/locale-data/ru.js'),
    import('@formatjs/intl-pluralrules/locale-data/lo.js'),
    import('@formatjs/intl-pluralrules/locale-data/km.js'),
  ]);
  await import('@formatjs/intl-numberformat/polyfill-force.js');
  await Promise.all([
    import('@formatjs/intl-numberformat/locale-data/en.js'),
    import('@formatjs/intl-numberformat/locale-data/ru.js'),
    import('@formatjs/intl-numberformat/locale-data/lo.js'),
    import('@formatjs/intl-numberformat/locale-data/km.js'),
  ]);
  await import('@formatjs/intl-datetimeformat/polyfill-force.js');
  await Promise.all([
    import('@formatjs/intl-datetimeformat/locale-data/en.js'),
    import('@formatjs/intl-datetimeformat/locale-data/ru.js'),
    import('@formatjs/intl-datetimeformat/locale-data/lo.js'),
    import('@formatjs/intl-datetimeformat/locale-data/km.js'),
    import('@formatjs/intl-datetimeformat/add-all-tz.js'),
  ]);
  (Intl.DateTimeFormat as WithZone).__setDefaultTimeZone?.(zone);
  await import('@formatjs/intl-displaynames/polyfill-force.js');
  await Promise.all([
    import('@formatjs/intl-displaynames/locale-data/en.js'),
    import('@formatjs/intl-displaynames/locale-data/ru.js'),
    import('@formatjs/intl-displaynames/locale-data/lo.js'),
    import('@formatjs/intl-displaynames/locale-data/km.js'),
  ]);
}
