// The client list's search: text, filters and sort, loaded page by page as the list scrolls,
// with the total counted beside it. Typing waits for a pause (one request per pause, not per
// key); an answer to an older search is dropped.
import type { ClientFilters, ClientSort, ClientSummary } from '../bindings';
import { ApiFailure } from '../lib/api';
import { session } from '../lib/session.svelte';

export const PAGE = 100;
export const DEBOUNCE_MS = 250;

export type LoadError = { code: string; unreachable: boolean };

export class ClientSearch {
  query = $state('');
  filters = $state<ClientFilters>(emptyFilters());
  sort = $state<ClientSort>('name');
  items = $state<ClientSummary[]>([]);
  hasMore = $state(false);
  total = $state<number | null>(null);
  fuzzy = $state(false);
  loading = $state(false);
  /** True until the first answer arrives: the list shows a placeholder, not "nothing". */
  first = $state(true);
  error = $state<LoadError | null>(null);
  /** How many requests were sent (tests check the debounce). */
  requests = 0;
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** The search as the API takes it. */
  args(offset = 0, limit = PAGE) {
    return { query: this.query, filters: $state.snapshot(this.filters), sort: this.sort, offset, limit };
  }

  /** A key was typed: search after a pause. */
  typed() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.reload(), DEBOUNCE_MS);
  }

  /** Search now (filters changed, a card was saved, Enter pressed). */
  async reload() {
    clearTimeout(this.#timer);
    const mine = ++this.#seq;
    this.loading = true;
    this.error = null;
    this.requests++;
    const args = this.args();
    try {
      const [page, count] = await Promise.all([session.api.clients_search(args), session.api.clients_count(args)]);
      if (mine !== this.#seq) return;
      this.items = page.items;
      this.hasMore = page.has_more;
      this.fuzzy = page.fuzzy;
      this.total = count.total;
    } catch (e) {
      if (mine === this.#seq) this.error = describe(e);
    } finally {
      if (mine === this.#seq) {
        this.loading = false;
        this.first = false;
      }
    }
  }

  /** The next page, when the list scrolls near its end. */
  async more() {
    if (!this.hasMore || this.loading) return;
    const mine = this.#seq;
    this.loading = true;
    try {
      const page = await session.api.clients_search(this.args(this.items.length));
      if (mine !== this.#seq) return;
      this.items = [...this.items, ...page.items];
      this.hasMore = page.has_more;
    } catch (e) {
      if (mine === this.#seq) this.error = describe(e);
    } finally {
      if (mine === this.#seq) this.loading = false;
    }
  }

  /** No text and no filter: the whole base. */
  get unfiltered(): boolean {
    return this.query.trim() === '' && JSON.stringify($state.snapshot(this.filters)) === JSON.stringify(emptyFilters());
  }

  dispose() {
    clearTimeout(this.#timer);
    this.#seq++;
  }
}

export function emptyFilters(): ClientFilters {
  return {
    status: [],
    kind: null,
    reliability: [],
    category_id: null,
    manager_id: null,
    tag: null,
    age_band_id: null,
    has_guardian: null,
    birthday_this_month: false,
    not_contacted_days: null,
    custom: [],
  };
}

export function describe(e: unknown): LoadError {
  if (e instanceof ApiFailure) {
    const unreachable = e.error.code === 'internal' && e.error.message.startsWith('unreachable');
    return { code: e.error.code, unreachable };
  }
  return { code: 'internal', unreachable: false };
}
