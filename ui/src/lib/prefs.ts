// Per-user preferences (theme, language), remembered on this device.
export interface Prefs {
  theme: string;
  locale: string;
}

/** The language picked on the sign-in screen, until the sign-in completes. */
export const SIGN_IN_LOCALE = 'hallpass.sign-in-locale';

const key = (user: string | null) => `hallpass.prefs.${user ?? 'signed-out'}`;

export function loadPrefs(user: string | null, storage: Storage = localStorage): Partial<Prefs> {
  try {
    return JSON.parse(storage.getItem(key(user)) ?? '{}') as Partial<Prefs>;
  } catch {
    return {};
  }
}

export function savePrefs(user: string | null, prefs: Partial<Prefs>, storage: Storage = localStorage) {
  const merged = { ...loadPrefs(user, storage), ...prefs };
  storage.setItem(key(user), JSON.stringify(merged));
  // The sign-in screen opens in the language and theme last used on this device.
  if (user) storage.setItem(key(null), JSON.stringify({ ...loadPrefs(null, storage), ...prefs }));
}
