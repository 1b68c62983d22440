// Tabs of open windows: the client list, settings, and any number of client cards.
// A tab's id never changes (it keys the mounted view); a new card that is saved keeps its tab.
export type Tab =
  | { id: string; kind: 'clients' }
  | { id: string; kind: 'settings' }
  | { id: string; kind: 'staff' }
  | { id: string; kind: 'audit' }
  | { id: string; kind: 'documents' }
  | { id: string; kind: 'cash' }
  | { id: string; kind: 'catalog' }
  | { id: string; kind: 'contracts' }
  | { id: string; kind: 'schedule' }
  | { id: string; kind: 'today' }
  | { id: string; kind: 'setup' }
  | { id: string; kind: 'pay' }
  | { id: string; kind: 'calls' }
  | { id: string; kind: 'tasks' }
  | { id: string; kind: 'client'; clientId: string | null; title: string; phone?: string };

let counter = 0;

export class Tabs {
  list = $state<Tab[]>([{ id: 'clients', kind: 'clients' }]);
  active = $state('clients');

  open(tab: Tab) {
    if (!this.list.some((t) => t.id === tab.id)) this.list.push(tab);
    this.active = tab.id;
  }

  openClient(clientId: string, title: string) {
    const existing = this.list.find((t) => t.kind === 'client' && t.clientId === clientId);
    if (existing) this.active = existing.id;
    else this.open({ id: `client:${++counter}`, kind: 'client', clientId, title });
  }

  /** A new card; `phone` fills its first number (an unknown caller to register). */
  newClient(title: string, phone?: string) {
    this.open({ id: `client:${++counter}`, kind: 'client', clientId: null, title, phone });
  }

  /** A card was saved: its tab now names that client. */
  saved(tabId: string, clientId: string, title: string) {
    const tab = this.list.find((t) => t.id === tabId);
    if (tab?.kind === 'client') {
      tab.clientId = clientId;
      tab.title = title;
    }
  }

  // Tabs with unsaved edits say so; closing one asks first.
  // Plain bookkeeping, read on demand: not reactive state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #guards = new Map<string, () => boolean>();

  guard(id: string, dirty: () => boolean) {
    this.#guards.set(id, dirty);
  }

  unguard(id: string) {
    this.#guards.delete(id);
  }

  /** Tabs whose edits are not saved. */
  dirty(): string[] {
    return [...this.#guards].filter(([, d]) => d()).map(([id]) => id);
  }

  /** Closes a tab; one with unsaved edits only if `confirm` agrees. */
  close(id: string, confirm: () => boolean = () => true) {
    const i = this.list.findIndex((t) => t.id === id);
    if (i < 0 || this.list.length === 1) return;
    if (this.#guards.get(id)?.() && !confirm()) return;
    this.list.splice(i, 1);
    if (this.active === id) this.active = this.list[Math.max(0, i - 1)].id;
  }
}
