// The one typed API object. Components call `api.client_get({ id })`; underneath, the
// transport is Tauri's `invoke` in the app or `fetch` to the hub in a browser.
import type { ApiError, Operations } from '../bindings';

export type OpName = keyof Operations;
export type Args<K extends OpName> = Operations[K]['args'];
export type Result<K extends OpName> = Operations[K]['result'];
export type Api = { [K in OpName]: (args: Args<K>) => Promise<Result<K>> };

/** Thrown by every call that fails; `error` is the typed ApiError from core. */
export class ApiFailure extends Error {
  constructor(public readonly error: ApiError) {
    super('message' in error ? error.message : error.code);
  }
}

export interface Transport {
  readonly kind: 'tauri' | 'http';
  call(op: string, token: string | null, args: unknown): Promise<unknown>;
}

function isApiError(e: unknown): e is ApiError {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

const unreachable = (detail: string): ApiError => ({ code: 'internal', message: `unreachable: ${detail}` });

export function httpTransport(base = '', fetchFn: typeof fetch = (...a) => fetch(...a)): Transport {
  return {
    kind: 'http',
    async call(op, token, args) {
      let res: Response;
      try {
        res = await fetchFn(`${base}/api/${op}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(args ?? {}),
        });
      } catch (e) {
        throw new ApiFailure(unreachable(String(e)));
      }
      const body: unknown = await res.json().catch(() => null);
      if (!res.ok) throw new ApiFailure(isApiError(body) ? body : unreachable(`HTTP ${res.status}`));
      return body;
    },
  };
}

export function tauriTransport(): Transport {
  return {
    kind: 'tauri',
    async call(op, token, args) {
      const { invoke } = await import('@tauri-apps/api/core');
      try {
        return await invoke(op, { token, args: args ?? {} });
      } catch (e) {
        throw new ApiFailure(isApiError(e) ? e : unreachable(String(e)));
      }
    },
  };
}

/** One of the app shell's own commands (not an operation), with its errors typed. */
export async function invokeCommand<T>(command: string, params: Record<string, unknown>): Promise<T> {
  const { invoke } = await import('@tauri-apps/api/core');
  try {
    return await invoke<T>(command, params);
  } catch (e) {
    throw new ApiFailure(isApiError(e) ? e : unreachable(String(e)));
  }
}

export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/** In the desktop app: tell the shell the first screen is painted (after two frames). */
export function reportFirstScreen(screen: string) {
  if (!inTauri()) return;
  requestAnimationFrame(() =>
    requestAnimationFrame(async () => {
      const { invoke } = await import('@tauri-apps/api/core');
      await invoke('app_ready', { screen });
    }),
  );
}

export function createApi(transport: Transport, token: () => string | null): Api {
  return new Proxy({} as Api, {
    get: (_, op) => (args: unknown) => transport.call(String(op), token(), args),
  });
}

/** Field errors of a validation failure, by field path. */
export function fieldErrors(e: unknown): Record<string, { code: string; message: string }> {
  const out: Record<string, { code: string; message: string }> = {};
  if (e instanceof ApiFailure && e.error.code === 'validation') {
    for (const f of e.error.errors) out[f.field] ??= { code: f.code, message: f.message };
  }
  return out;
}
