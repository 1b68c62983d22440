// Countries a centre is likely to be in, with their currency and main time zone, so setup
// can start from the right ones; names come from Intl in the app's language.

export const COUNTRIES: { code: string; currency: string; zone: string }[] = [
  { code: 'LA', currency: 'LAK', zone: 'Asia/Vientiane' },
  { code: 'KH', currency: 'KHR', zone: 'Asia/Phnom_Penh' },
  { code: 'TH', currency: 'THB', zone: 'Asia/Bangkok' },
  { code: 'VN', currency: 'VND', zone: 'Asia/Ho_Chi_Minh' },
  { code: 'MM', currency: 'MMK', zone: 'Asia/Yangon' },
  { code: 'MY', currency: 'MYR', zone: 'Asia/Kuala_Lumpur' },
  { code: 'SG', currency: 'SGD', zone: 'Asia/Singapore' },
  { code: 'ID', currency: 'IDR', zone: 'Asia/Jakarta' },
  { code: 'PH', currency: 'PHP', zone: 'Asia/Manila' },
  { code: 'CN', currency: 'CNY', zone: 'Asia/Shanghai' },
  { code: 'JP', currency: 'JPY', zone: 'Asia/Tokyo' },
  { code: 'KR', currency: 'KRW', zone: 'Asia/Seoul' },
  { code: 'IN', currency: 'INR', zone: 'Asia/Kolkata' },
  { code: 'KZ', currency: 'KZT', zone: 'Asia/Almaty' },
  { code: 'UZ', currency: 'UZS', zone: 'Asia/Tashkent' },
  { code: 'KG', currency: 'KGS', zone: 'Asia/Bishkek' },
  { code: 'RU', currency: 'RUB', zone: 'Europe/Moscow' },
  { code: 'BY', currency: 'BYN', zone: 'Europe/Minsk' },
  { code: 'UA', currency: 'UAH', zone: 'Europe/Kyiv' },
  { code: 'GE', currency: 'GEL', zone: 'Asia/Tbilisi' },
  { code: 'AM', currency: 'AMD', zone: 'Asia/Yerevan' },
  { code: 'AZ', currency: 'AZN', zone: 'Asia/Baku' },
  { code: 'TR', currency: 'TRY', zone: 'Europe/Istanbul' },
  { code: 'AE', currency: 'AED', zone: 'Asia/Dubai' },
  { code: 'DE', currency: 'EUR', zone: 'Europe/Berlin' },
  { code: 'FR', currency: 'EUR', zone: 'Europe/Paris' },
  { code: 'GB', currency: 'GBP', zone: 'Europe/London' },
  { code: 'US', currency: 'USD', zone: 'America/New_York' },
  { code: 'AU', currency: 'AUD', zone: 'Australia/Sydney' },
];

/** The country setup starts from: the one whose zone the device is in, else the region of
 * the device's language, else Laos. */
export function guessCountry(zone: string, language: string): (typeof COUNTRIES)[number] {
  const byZone = COUNTRIES.find((c) => c.zone === zone);
  if (byZone) return byZone;
  const region = language.split('-')[1]?.toUpperCase();
  return COUNTRIES.find((c) => c.code === region) ?? COUNTRIES[0];
}

export function regionName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function currencyName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'currency' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Every currency the browser knows (ISO 4217), else those of the countries above. */
export function currencies(): string[] {
  try {
    return Intl.supportedValuesOf('currency');
  } catch {
    return [...new Set(COUNTRIES.map((c) => c.currency))].sort();
  }
}
