import type { Flag } from '../bindings';
import { session } from '../lib/session.svelte';
import { i18n, t } from '../lib/i18n.svelte';
import { formatDate } from '../lib/format';
import { formatMoney } from './amount';
import { flagText } from './flags';

/** An amount of the centre's currency, in the app's language. */
export function centreMoney(minor: number): string {
  return formatMoney(minor, session.centre?.currency ?? 'USD', session.centre?.currency_exponent ?? 2, i18n.locale);
}

/** A calendar date in the centre's zone, in the app's language. */
export function centreDate(day: string): string {
  return formatDate(day, session.centre?.time_zone ?? 'UTC', i18n.locale);
}

/** A flag's reason on screen. */
export function flagReason(f: Flag): string {
  return flagText(f, t, centreMoney, centreDate);
}
