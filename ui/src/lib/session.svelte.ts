// The signed-in session: the token, the user and their permissions, and the one API object.
import type { Centre, LoginResult, Permission, UserInfo } from '../bindings';
import { createApi, httpTransport, inTauri, tauriTransport, type Api } from './api';

const TOKEN_KEY = 'hallpass.session';

class SessionState {
  token = $state<string | null>(null);
  user = $state<UserInfo | null>(null);
  centre = $state<Centre | null>(null);
  readonly api: Api;

  constructor() {
    const transport = inTauri() ? tauriTransport() : httpTransport();
    this.api = createApi(transport, () => this.token);
    if (typeof sessionStorage !== 'undefined') this.token = sessionStorage.getItem(TOKEN_KEY);
  }

  can(p: Permission): boolean {
    return this.user?.permissions.includes(p) ?? false;
  }

  signedIn(result: LoginResult) {
    this.token = result.token;
    this.user = result.user;
    sessionStorage.setItem(TOKEN_KEY, result.token);
  }

  async restore(): Promise<boolean> {
    if (!this.token) return false;
    try {
      this.user = await this.api.session_get({});
      return true;
    } catch {
      this.clear();
      return false;
    }
  }

  async signOut() {
    try {
      await this.api.logout({});
    } finally {
      this.clear();
    }
  }

  clear() {
    this.token = null;
    this.user = null;
    this.centre = null;
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

export const session = new SessionState();
