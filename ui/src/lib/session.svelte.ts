// The signed-in session: the token, the user and their permissions, and the one API object.
import type { Centre, LoginResult, Permission, UserInfo } from '../bindings';
import { ApiFailure, createApi, httpTransport, inTauri, tauriTransport, type Api, type Transport } from './api';
import { CLIENT_ENTITIES, live } from './live.svelte';

const TOKEN_KEY = 'hallpass.session';
/** Who is signed in and the centre, kept for a page reloaded without the network. */
const KEPT_KEY = 'hallpass.kept';

class SessionState {
  token = $state<string | null>(null);
  user = $state<UserInfo | null>(null);
  centre = $state<Centre | null>(null);
  /** Started from a kept session while the hub was out of reach. */
  offline = $state(false);
  /** Bumped after every saved change, so lists showing the data reload. */
  revision = $state(0);
  /** The session ran out while screens were open: sign in again over them, losing nothing. */
  expired = $state(false);
  /** Who was signed in when the session ran out. */
  expiredUser: string | null = null;
  readonly api: Api;

  constructor() {
    const base = inTauri() ? tauriTransport() : httpTransport();
    // A session that expired or was ended elsewhere sends the user back to sign in.
    const transport: Transport = {
      kind: base.kind,
      call: async (op, token, args) => {
        try {
          return await base.call(op, token, args);
        } catch (e) {
          if (token && e instanceof ApiFailure && e.error.code === 'unauthenticated') this.expire();
          throw e;
        }
      },
    };
    this.api = createApi(transport, () => this.token);
    if (typeof sessionStorage !== 'undefined') this.token = sessionStorage.getItem(TOKEN_KEY);
    // Changes made elsewhere reload the lists; the feed ending means the session did.
    live.on((e) => {
      if (e === 'reset' || CLIENT_ENTITIES.includes(e.entity)) this.changed();
    });
    live.onSignedOut = () => {
      if (this.token) this.expire();
    };
    // A refused reconnect: asking the hub tells whether the session is over (the transport
    // then asks for the password again) or the hub was only away.
    live.onLost = () => {
      if (this.token) this.api.session_get({}).catch(() => {});
    };
  }

  can(p: Permission): boolean {
    return this.user?.permissions.includes(p) ?? false;
  }

  signedIn(result: LoginResult) {
    this.token = result.token;
    this.user = result.user;
    sessionStorage.setItem(TOKEN_KEY, result.token);
    void live.connect(result.token);
    this.keep();
  }

  /** Keeps the user and the centre in this tab, for a reload while the hub is out of reach. */
  keep() {
    if (this.user) sessionStorage.setItem(KEPT_KEY, JSON.stringify({ user: this.user, centre: this.centre }));
  }

  /**
   * The hub cannot be reached at start: with a session kept in this tab, go on with what was
   * kept (the outbox sends when the hub is back; the hub still checks the token then).
   */
  resumeOffline(): boolean {
    const kept = sessionStorage.getItem(KEPT_KEY);
    if (!this.token || !kept) return false;
    try {
      const { user, centre } = JSON.parse(kept);
      this.user = user;
      this.centre = centre;
      this.offline = true;
      void live.connect(this.token);
      return true;
    } catch {
      return false;
    }
  }

  /** A session the app's shell keeps (hub mode: the keyring's), under the token it answers to. */
  adopt(token: string) {
    this.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
  }

  async restore(): Promise<boolean> {
    if (!this.token) return false;
    try {
      this.user = await this.api.session_get({});
      void live.connect(this.token);
      this.keep();
      return true;
    } catch {
      this.clear();
      return false;
    }
  }

  async signOut() {
    try {
      await this.api.logout({});
    } catch {
      // Already signed out on the server (expired): nothing more to end.
    } finally {
      this.clear();
    }
  }

  /** The server no longer knows the token: keep the screens, ask for the password again. */
  expire() {
    if (!this.user) return this.clear();
    this.expiredUser = this.user.id;
    this.token = null;
    live.disconnect();
    sessionStorage.removeItem(TOKEN_KEY);
    this.expired = true;
  }

  changed() {
    this.revision++;
  }

  clear() {
    live.disconnect();
    live.forget();
    this.expired = false;
    this.expiredUser = null;
    this.token = null;
    this.user = null;
    this.centre = null;
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(KEPT_KEY);
  }
}

export const session = new SessionState();
