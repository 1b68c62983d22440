// The tablet's outbox: every mark and hold is stored first (the app's SQLite file, or
// IndexedDB in a browser, so a reload or a crash keeps it), each with its own op id, and sent in order whenever the hub can be
// reached. The hub applies an op id once, so sending again after a lost reply is safe. An op
// the hub refuses (the class was cancelled or changed meanwhile) leaves the outbox as a
// conflict the instructor sees, never silently.
import { ApiFailure, type Args, type OpName } from '../lib/api';
import { session } from '../lib/session.svelte';
import { deviceStore, type Store } from './outboxStore';

export type OutboxOp = 'attendance_mark' | 'class_hold' | 'class_hold_undo';

export type Entry = {
  op_id: string;
  op: OutboxOp;
  args: Args<OutboxOp>;
  /** The class it concerns and a line to show while it waits. */
  occurrence_id: string;
  label: string;
  queued_at: string;
};

export type Refused = Entry & { message: string };

type Send = (op: OpName, args: unknown) => Promise<unknown>;

/** Now, as an ISO instant. */
const stamp = () => new Date().toISOString();

/** An op id: a UUID v7 (time-ordered), as the hub's operation log keeps them. */
export function opId(now = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const ms = BigInt(now);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Whether a failure means "try again later" (the hub not reached, the session to renew, too
 * many requests) rather than "refused".
 */
export function unreachable(e: unknown): boolean {
  if (!(e instanceof ApiFailure)) return true;
  const { code } = e.error;
  if (code === 'unauthenticated' || code === 'rate_limited') return true;
  return code === 'internal' && e.message.startsWith('unreachable:');
}

export class Outbox {
  pending = $state<Entry[]>([]);
  refused = $state<Refused[]>([]);
  sending = $state(false);
  /** Set when the last try could not reach the hub. */
  offline = $state(false);
  #store: Store<Entry | Refused>;
  #send: Send;
  // Plain bookkeeping, not reactive state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #listeners = new Set<(e: Entry, result: unknown) => void>();

  constructor(send: Send, store: Store<Entry | Refused> = deviceStore()) {
    this.#send = send;
    this.#store = store;
  }

  /** Reads what an earlier page left waiting, then tries to send it. */
  async load() {
    this.pending = await this.#store.all('pending');
    this.refused = (await this.#store.all('refused')) as Refused[];
    void this.flush();
  }

  /** Called with each op the hub applied, and what it answered. */
  onApplied(f: (e: Entry, result: unknown) => void): () => void {
    this.#listeners.add(f);
    return () => this.#listeners.delete(f);
  }

  /** Stores an op, then sends what is waiting. */
  async add(op: OutboxOp, args: Args<OutboxOp>, occurrence_id: string, label: string) {
    const entry: Entry = { op_id: (args as { op_id: string }).op_id, op, args, occurrence_id, label, queued_at: stamp() };
    await this.#store.put('pending', $state.snapshot(entry));
    this.pending = [...this.pending, entry];
    await this.flush();
  }

  /** Sends the waiting ops in order; stops at the first the hub cannot be reached for. */
  async flush() {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.pending.length) {
        const entry = this.pending[0];
        let result: unknown;
        try {
          result = await this.#send(entry.op, $state.snapshot(entry.args));
          this.offline = false;
        } catch (e) {
          if (unreachable(e)) {
            this.offline = true;
            return;
          }
          const refused: Refused = { ...$state.snapshot(entry), message: e instanceof Error ? e.message : String(e) };
          await this.#store.put('refused', refused);
          this.refused = [...this.refused, refused];
        }
        await this.#store.delete('pending', entry.op_id);
        this.pending = this.pending.slice(1);
        if (result !== undefined) for (const f of this.#listeners) f(entry, result);
      }
    } finally {
      this.sending = false;
    }
  }

  /** The instructor has seen a refusal. */
  async dismiss(op_id: string) {
    await this.#store.delete('refused', op_id);
    this.refused = this.refused.filter((r) => r.op_id !== op_id);
  }

  /** Ops waiting for one class. */
  waitingFor(occurrence_id: string): Entry[] {
    return this.pending.filter((e) => e.occurrence_id === occurrence_id);
  }
}

/** The device's outbox, sending through the signed-in session. */
export const outbox = new Outbox((op, args) => (session.api[op] as (a: unknown) => Promise<unknown>)(args));

/** Loads what is waiting and keeps trying: when the browser is back online and every 15 s. */
export function startOutbox(): () => void {
  void outbox.load();
  const retry = () => {
    if (outbox.pending.length) void outbox.flush();
  };
  window.addEventListener('online', retry);
  const timer = setInterval(retry, 15_000);
  return () => {
    window.removeEventListener('online', retry);
    clearInterval(timer);
  };
}
