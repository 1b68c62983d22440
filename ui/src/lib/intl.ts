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

// Formatters are dear to build (the polyfill's far more than the engine's) and the list
// formats a date per row: each is built once per language and options. A plain cache, not
// reactive state.
const formats = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function cached<F extends Intl.DateTimeFormat | Intl.NumberFormat>(kind: string, locale: string, options: object, make: () => F): F {
  const key = `${kind}|${locale}|${JSON.stringify(options)}`;
  let f = formats.get(key) as F | undefined;
  if (!f) {
    f = make();
    formats.set(key, f);
  }
  return f;
}

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions = {}): Intl.DateTimeFormat {
  return cached('date', locale, options, () => new Intl.DateTimeFormat(locale, options));
}

export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  return cached('number', locale, options, () => new Intl.NumberFormat(locale, options));
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

/** What the polyfills replace, to put back when they could not all load. */
function engineParts() {
  const saved = {
    PluralRules: Intl.PluralRules,
    NumberFormat: Intl.NumberFormat,
    DateTimeFormat: Intl.DateTimeFormat,
    DisplayNames: Intl.DisplayNames,
    dateLocale: Date.prototype.toLocaleString,
    dateLocaleDate: Date.prototype.toLocaleDateString,
    dateLocaleTime: Date.prototype.toLocaleTimeString,
    numberLocale: Number.prototype.toLocaleString,
  };
  return () => {
    Object.assign(Intl, {
      PluralRules: saved.PluralRules,
      NumberFormat: saved.NumberFormat,
      DateTimeFormat: saved.DateTimeFormat,
      DisplayNames: saved.DisplayNames,
    });
    Date.prototype.toLocaleString = saved.dateLocale;
    Date.prototype.toLocaleDateString = saved.dateLocaleDate;
    Date.prototype.toLocaleTimeString = saved.dateLocaleTime;
    Number.prototype.toLocaleString = saved.numberLocale;
  };
}

async function load() {
  const restore = engineParts();
  try {
    await install();
  } catch (e) {
    // Half a set of polyfills (dates without their time zones) would break every date:
    // the engine's own, English-only formatting is better.
    restore();
    throw e;
  } finally {
    formats.clear();
  }
}

async function install() {
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
  try {
    (Intl.DateTimeFormat as WithZone).__setDefaultTimeZone?.(zone);
  } catch {
    // A zone the data does not know: dates without a zone of their own read as UTC.
  }
  await import('@formatjs/intl-displaynames/polyfill-force.js');
  await Promise.all([
    import('@formatjs/intl-displaynames/locale-data/en.js'),
    import('@formatjs/intl-displaynames/locale-data/ru.js'),
    import('@formatjs/intl-displaynames/locale-data/lo.js'),
    import('@formatjs/intl-displaynames/locale-data/km.js'),
  ]);
}
