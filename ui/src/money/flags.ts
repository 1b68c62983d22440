import type { Flag } from '../bindings';

/** Translates a key with parameters (the i18n `t`). */
type T = (key: string, params?: Record<string, string | number>) => string;

/**
 * A flag's reason in words. `money` formats an amount; `date` a calendar date. Amounts a
 * role may not see come without one, and the reason says so without a figure.
 */
export function flagText(f: Flag, t: T, money: (n: number) => string, date: (d: string) => string): string {
  switch (f.kind) {
    case 'visits_low':
      return f.visits_left === 0
        ? t('money.flag.used_up', { pass: f.membership })
        : t('money.flag.visits_low', { pass: f.membership, n: f.visits_left });
    case 'ends_soon':
      return t('money.flag.ends_soon', { pass: f.membership, date: date(f.ends_on), n: f.days_left });
    case 'unpaid':
      return f.due === null
        ? t('money.flag.unpaid', { pass: f.membership })
        : t('money.flag.unpaid_amount', { pass: f.membership, amount: money(f.due) });
    case 'frozen':
      return t('money.flag.frozen', { pass: f.membership, date: date(f.until) });
    case 'expired':
      return t('money.flag.expired', { pass: f.membership, date: date(f.ended_on) });
    case 'debt':
      return f.amount === null ? t('money.flag.debt') : t('money.flag.debt_amount', { amount: money(f.amount) });
    case 'to_settle':
      return t('money.flag.to_settle', { n: f.classes });
    case 'medical_note':
      return t('money.flag.medical_note');
    case 'no_guardian':
      return t('money.flag.no_guardian');
  }
}

/** The flags that concern one pass. */
export function flagsOf(flags: Flag[], membershipId: string): Flag[] {
  return flags.filter((f) => 'membership_id' in f && f.membership_id === membershipId);
}
