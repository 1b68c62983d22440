import { describe, expect, it } from 'vitest';
import type { CallPopup } from '../bindings';
import { Popups } from './popups.svelte';

const popup = (call_id: string): CallPopup => ({
  call_id,
  extension: '101',
  number: '+77011234567',
  number_e164: '+77011234567',
  name: null,
  did: null,
  started_at: '2026-11-23T09:00:00Z',
  ringing_at: '2026-11-23T09:00:00Z',
  cards: [],
});

describe('caller popups', () => {
  it('one per call; closed when another answers or the caller hangs up first', () => {
    const p = new Popups();
    p.handle({ kind: 'ringing', popup: popup('a') }, 'me');
    p.handle({ kind: 'ringing', popup: popup('a') }, 'me');
    p.handle({ kind: 'ringing', popup: popup('b') }, 'me');
    expect(p.list.map((x) => x.call_id)).toEqual(['b', 'a']);
    p.handle({ kind: 'answered', call_id: 'a', extension: '102', by: { id: 'other', name: 'Anna' } }, 'me');
    p.handle({ kind: 'ended', call_id: 'b' }, 'me');
    expect(p.list).toEqual([]);
  });

  it('a popup being worked in stays when the call moves on; all go when the user changes', () => {
    const p = new Popups();
    p.handle({ kind: 'ringing', popup: popup('a') }, 'me');
    p.pinned = 'a';
    p.handle({ kind: 'answered', call_id: 'a', extension: '102', by: { id: 'other', name: 'Anna' } }, 'me');
    expect(p.list[0]).toMatchObject({ call_id: 'a', ended: true });
    p.handle({ kind: 'ringing', popup: popup('b') }, 'me');
    p.clear();
    expect(p.list).toEqual([]);
    expect(p.pinned).toBeNull();
  });

  it('the one I answered stays after the call until I close it', () => {
    const p = new Popups();
    p.handle({ kind: 'ringing', popup: popup('a') }, 'me');
    p.handle({ kind: 'answered', call_id: 'a', extension: '101', by: { id: 'me', name: 'Noy' } }, 'me');
    p.handle({ kind: 'ended', call_id: 'a' }, 'me');
    expect(p.list[0].answered).toBe(true);
    p.dismiss('a');
    expect(p.list).toEqual([]);
  });
});
