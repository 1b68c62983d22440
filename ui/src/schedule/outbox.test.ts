import { describe, expect, it, vi } from 'vitest';
import { ApiFailure } from '../lib/api';
import { Outbox, type Entry, type Refused } from './outbox.svelte';
import type { List, Store } from './outboxStore';

/** A store in memory, as the app's file or IndexedDB would keep it. */
function memory(): Store<Entry | Refused> & { lists: Record<List, Map<string, Entry | Refused>> } {
  const lists = { pending: new Map<string, Entry | Refused>(), refused: new Map<string, Entry | Refused>() };
  return {
    lists,
    all: async (l) => [...lists[l].values()].sort((a, b) => a.op_id.localeCompare(b.op_id)),
    put: async (l, e) => void lists[l].set(e.op_id, structuredClone(e)),
    delete: async (l, id) => void lists[l].delete(id),
  };
}

const mark = (op_id: string) => ({ op_id, occurrence_id: 'o1', client_id: 'c1', status: 'present' as const, kind: null });

describe('the outbox', () => {
  it('keeps what the hub cannot be reached for, and sends it once in order later', async () => {
    const store = memory();
    const sent: string[] = [];
    let online = false;
    const box = new Outbox(async (_op, args) => {
      if (!online) throw new ApiFailure({ code: 'internal', message: 'unreachable: offline' });
      sent.push((args as { op_id: string }).op_id);
      return {};
    }, store);
    await box.add('attendance_mark', mark('01-a'), 'o1', 'A');
    await box.add('attendance_mark', mark('01-b'), 'o1', 'B');
    expect(box.offline).toBe(true);
    expect(box.pending.map((e) => e.op_id)).toEqual(['01-a', '01-b']);
    expect([...store.lists.pending.keys()]).toEqual(['01-a', '01-b']);

    // A new page reads the same store back.
    online = true;
    const again = new Outbox(async (_op, args) => (sent.push((args as { op_id: string }).op_id), {}), store);
    await again.load(); // and sends what it found
    await vi.waitFor(() => expect(again.pending).toEqual([]));
    expect(sent).toEqual(['01-a', '01-b']);
    expect(store.lists.pending.size).toBe(0);
  });

  it('shows a refusal until it is seen, and goes on with the rest', async () => {
    const store = memory();
    const box = new Outbox(async (_op, args) => {
      if ((args as { op_id: string }).op_id === '01-a') throw new ApiFailure({ code: 'conflict', message: 'the class was cancelled' });
      return {};
    }, store);
    await box.add('attendance_mark', mark('01-a'), 'o1', 'A');
    await box.add('attendance_mark', mark('01-b'), 'o1', 'B');
    expect(box.pending).toEqual([]);
    expect(box.refused.map((r) => r.op_id)).toEqual(['01-a']);
    expect(store.lists.refused.has('01-a')).toBe(true);
    await box.dismiss('01-a');
    expect(box.refused).toEqual([]);
    expect(store.lists.refused.size).toBe(0);
  });
});
