import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { ChangeEvent, Flag } from '../bindings';
import { session } from '../lib/session.svelte';
import { live } from '../lib/live.svelte';

/** Most cards one `flags_get` call asks about (the server's limit). */
const BATCH = 1000;
const MONEY_ENTITIES = ['invoice', 'membership', 'payment', 'flag_settings', 'client'];

/**
 * Red flags of the cards a list shows, asked for in batches as rows load and forgotten when
 * money (or a card) changes anywhere, so the list follows the desk.
 */
export class FlagCache {
  /** Flags by card id; a card asked about with no flag maps to an empty list. */
  readonly flags = new SvelteMap<string, Flag[]>();
  #asked = new SvelteSet<string>();
  #stop: () => void;

  constructor() {
    this.#stop = live.on((e: ChangeEvent | 'reset') => {
      if (e === 'reset' || MONEY_ENTITIES.includes(e.entity)) {
        const known = [...this.#asked];
        this.#asked.clear();
        void this.want(known);
      }
    });
  }

  /** Asks for the flags of the cards not asked about yet. */
  async want(ids: string[]): Promise<void> {
    if (!session.can('clients_read')) return;
    const fresh = ids.filter((id) => !this.#asked.has(id));
    for (const id of fresh) this.#asked.add(id);
    for (let i = 0; i < fresh.length; i += BATCH) {
      const batch = fresh.slice(i, i + BATCH);
      try {
        const found = await session.api.flags_get({ client_ids: batch });
        const by: Record<string, Flag[]> = Object.fromEntries(found.map((f) => [f.client_id, f.flags]));
        for (const id of batch) this.flags.set(id, by[id] ?? []);
      } catch {
        for (const id of batch) this.#asked.delete(id);
      }
    }
  }

  dispose() {
    this.#stop();
  }
}
