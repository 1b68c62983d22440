// Where the outbox keeps its entries: in the app, a SQLite file of the app's own (through
// its outbox commands); in a browser, IndexedDB. Both survive a reload, a crash and a closed
// window.
import { openDB, type IDBPDatabase } from 'idb';
import { inTauri, invokeCommand } from '../lib/api';

export type List = 'pending' | 'refused';

export interface Store<E extends { op_id: string }> {
  /** A list's entries, oldest first. */
  all(list: List): Promise<E[]>;
  put(list: List, entry: E): Promise<void>;
  delete(list: List, op_id: string): Promise<void>;
}

function browserStore<E extends { op_id: string }>(): Store<E> {
  let db: Promise<IDBPDatabase> | null = null;
  const open = () =>
    (db ??= openDB('hallpass-outbox', 1, {
      upgrade(d) {
        d.createObjectStore('pending', { keyPath: 'op_id' });
        d.createObjectStore('refused', { keyPath: 'op_id' });
      },
    }));
  return {
    async all(list) {
      const all = (await (await open()).getAll(list)) as E[];
      return all.sort((a, b) => a.op_id.localeCompare(b.op_id));
    },
    async put(list, entry) {
      await (await open()).put(list, entry);
    },
    async delete(list, op_id) {
      await (await open()).delete(list, op_id);
    },
  };
}

function appStore<E extends { op_id: string }>(): Store<E> {
  return {
    async all(list) {
      const rows = await invokeCommand<{ op_id: string; entry: string }[]>('outbox_list', { list });
      return rows.map((r) => JSON.parse(r.entry) as E);
    },
    put: (list, entry) => invokeCommand('outbox_put', { list, entry: { op_id: entry.op_id, entry: JSON.stringify(entry) } }),
    delete: (list, op_id) => invokeCommand('outbox_delete', { list, opId: op_id }),
  };
}

/** Entries an earlier version of the app left in the webview's IndexedDB move to the app's
 * file once, before the first read, so none is lost on the way. */
function movedFromBrowser<E extends { op_id: string }>(to: Store<E>): Store<E> {
  let moved: Promise<void> | null = null;
  const move = () =>
    (moved ??= (async () => {
      const from = browserStore<E>();
      for (const list of ['pending', 'refused'] as const) {
        for (const e of await from.all(list)) {
          await to.put(list, e);
          await from.delete(list, e.op_id);
        }
      }
    })().catch(() => undefined));
  return {
    all: async (list) => (await move(), to.all(list)),
    put: (list, e) => to.put(list, e),
    delete: (list, id) => to.delete(list, id),
  };
}

/** The store this window keeps its outbox in. */
export function deviceStore<E extends { op_id: string }>(): Store<E> {
  return inTauri() ? movedFromBrowser(appStore<E>()) : browserStore<E>();
}
