// What the tablet last read of the day and its classes, kept in this tab, so a page reloaded
// without the network still shows the classes it is marking.
import type { Args, OpName, Result } from '../lib/api';
import { session } from '../lib/session.svelte';
import { unreachable } from './outbox.svelte';

const PREFIX = 'hallpass.kept.';

/** Reads from the hub and keeps the answer; out of reach, the answer kept (with `stale`). */
export async function readKept<K extends 'schedule_week' | 'occurrence_get'>(op: K, args: Args<K>): Promise<{ value: Result<K>; stale: boolean }> {
  const key = PREFIX + op + JSON.stringify(args);
  try {
    const value = (await (session.api[op as OpName] as (a: unknown) => Promise<unknown>)(args)) as Result<K>;
    try {
      sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Storage full: the answer is still shown.
    }
    return { value, stale: false };
  } catch (e) {
    const kept = sessionStorage.getItem(key);
    if (kept && unreachable(e)) return { value: JSON.parse(kept) as Result<K>, stale: true };
    throw e;
  }
}
