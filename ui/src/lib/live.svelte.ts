// Live changes: every write anywhere (another window, a tablet, an import) as the signed-in
// role may hear of it. In a browser the hub streams them (`GET /api/events`, Server-Sent
// Events, resumed from the last id after a drop); in the app the Rust side sends the same feed
// as the Tauri event `hallpass:live`. Screens subscribe with `live.on(…)`.
import type { CallEvent, ChangeEvent, LiveEvent } from '../bindings';
import { inTauri } from './api';

type Listener = (e: ChangeEvent | 'reset') => void;

const SEQ_KEY = 'hallpass.live.seq';

class LiveState {
  /** `live` when hearing changes, `lost` after a drop until the stream is back. */
  state = $state<'off' | 'connecting' | 'live' | 'lost'>('off');
  #listeners = new Set<Listener>();
  #calls = new Set<(e: CallEvent) => void>();
  #source: EventSource | null = null;
  #unlisten: (() => void) | null = null;
  #token: string | null = null;
  /** Called when the feed says the session ended. */
  onSignedOut: (() => void) | null = null;
  /** Called when the browser gave up on the stream: the session may have ended meanwhile. */
  onLost: (() => void) | null = null;

  /** Listens for changes; returns the function that stops listening. */
  on(fn: Listener): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Listens for this user's calls (the extension rings; answered; ended). */
  onCall(fn: (e: CallEvent) => void): () => void {
    this.#calls.add(fn);
    return () => this.#calls.delete(fn);
  }

  #emit(e: ChangeEvent | 'reset') {
    for (const fn of this.#listeners) {
      try {
        fn(e);
      } catch (err) {
        console.error('a live-change listener failed', err);
      }
    }
  }

  /** The last id seen, kept across a reload of the page so nothing is missed. */
  #lastSeq(): number | null {
    const v = typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(SEQ_KEY);
    return v && /^\d+$/.test(v) ? Number(v) : null;
  }

  #saw(seq: number) {
    if (typeof sessionStorage !== 'undefined') sessionStorage.setItem(SEQ_KEY, String(seq));
  }

  #handle(e: LiveEvent) {
    switch (e.kind) {
      case 'ready':
        this.state = 'live';
        this.#saw(e.seq);
        break;
      case 'change':
        this.#saw(e.event.seq);
        this.#emit(e.event);
        break;
      case 'reset':
        this.#saw(e.seq);
        this.#emit('reset');
        break;
      case 'lost':
        // The app's link to its hub dropped; its shell reconnects and says `ready` again.
        this.state = 'lost';
        break;
      case 'call':
        for (const fn of this.#calls) {
          try {
            fn(e.event);
          } catch (err) {
            console.error('a call listener failed', err);
          }
        }
        break;
      case 'signed_out':
        this.disconnect();
        this.onSignedOut?.();
        break;
    }
  }

  /** Opens the feed for this session (again, if the token changed). */
  async connect(token: string) {
    if (this.#token === token) return;
    this.disconnect();
    this.#token = token;
    this.state = 'connecting';
    const last = this.#lastSeq();
    if (inTauri()) {
      const [{ listen }, { invoke }] = await Promise.all([import('@tauri-apps/api/event'), import('@tauri-apps/api/core')]);
      const unlisten = await listen<LiveEvent>('hallpass:live', (m) => this.#handle(m.payload));
      if (this.#token !== token) return unlisten();
      this.#unlisten = unlisten;
      try {
        await invoke('events_listen', { token, lastEventId: last });
      } catch (err) {
        console.warn('live changes unavailable', err);
      }
      return;
    }
    this.#open(token);
  }

  #retry: ReturnType<typeof setTimeout> | undefined;
  #backoff = 1000;

  /** The browser's stream. EventSource reconnects by itself after a drop (sending the last
   * id); when it gives up (the hub was unreachable), it is opened again, less and less often. */
  #open(token: string) {
    if (typeof EventSource === 'undefined' || this.#token !== token) return;
    const last = this.#lastSeq();
    const resume = last === null ? '' : `&last_event_id=${last}`;
    const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}${resume}`);
    this.#source = source;
    const data = (m: MessageEvent) => JSON.parse(m.data as string) as unknown;
    source.addEventListener('ready', (m) => this.#handle({ kind: 'ready', seq: Number((m as MessageEvent).data) }));
    source.addEventListener('change', (m) => this.#handle({ kind: 'change', event: data(m as MessageEvent) as ChangeEvent }));
    source.addEventListener('reset', (m) => this.#handle({ kind: 'reset', seq: Number((m as MessageEvent).data) }));
    source.addEventListener('call', (m) => this.#handle({ kind: 'call', event: data(m as MessageEvent) as CallEvent }));
    source.addEventListener('signed_out', (m) => this.#handle({ kind: 'signed_out', error: data(m as MessageEvent) as never }));
    // The browser reconnects by itself (sending the last id); meanwhile the screen says so.
    source.addEventListener('ready', () => (this.#backoff = 1000));
    source.onerror = () => {
      this.state = 'lost';
      if (source.readyState !== EventSource.CLOSED || this.#source !== source) return;
      this.#source = null;
      this.onLost?.();
      clearTimeout(this.#retry);
      this.#retry = setTimeout(() => this.#open(token), this.#backoff);
      this.#backoff = Math.min(this.#backoff * 2, 30_000);
    };
  }

  disconnect() {
    clearTimeout(this.#retry);
    this.#token = null;
    this.state = 'off';
    this.#source?.close();
    this.#source = null;
    if (this.#unlisten) {
      this.#unlisten();
      this.#unlisten = null;
      void import('@tauri-apps/api/core').then(({ invoke }) => invoke('events_stop').catch(() => {}));
    }
  }

  /** Forgets the last id (signing out: the next user starts from now). */
  forget() {
    if (typeof sessionStorage !== 'undefined') sessionStorage.removeItem(SEQ_KEY);
  }
}

export const live = new LiveState();

/** Entities whose changes alter what the client list shows. */
export const CLIENT_ENTITIES: readonly string[] = ['client', 'client_category', 'custom_field', 'age_band'];
