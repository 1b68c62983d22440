import { describe, expect, it } from 'vitest';
import { ApiFailure, createApi, fieldErrors, httpTransport } from './api';

type Call = { url: string; init: RequestInit };

function fakeFetch(status: number, body: unknown, calls: Call[]): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
}

describe('http transport', () => {
  it('posts JSON to /api/<operation> with the bearer token', async () => {
    const calls: Call[] = [];
    const api = createApi(httpTransport('http://hub', fakeFetch(200, { id: 'x' }, calls)), () => 'tok');
    await api.client_get({ id: 'x' });
    expect(calls[0].url).toBe('http://hub/api/client_get');
    expect(calls[0].init.method).toBe('POST');
    expect((calls[0].init.headers as Record<string, string>).authorization).toBe('Bearer tok');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ id: 'x' });
  });

  it('turns an error response into a typed ApiFailure with field errors', async () => {
    const body = { code: 'validation', errors: [{ field: 'email', code: 'invalid_email', message: 'not an e-mail address' }] };
    const api = createApi(httpTransport('', fakeFetch(422, body, [])), () => null);
    const err = await api.client_create({ client: { name: 'A', emails: [{ label: '', value: 'x' }] }, allow_duplicate: false }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiFailure);
    expect(fieldErrors(err)).toEqual({ email: { code: 'invalid_email', message: 'not an e-mail address' } });
  });

  it('reports an unreachable hub as an internal error, not a crash', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    const api = createApi(httpTransport('', failing), () => null);
    const err = await api.setup_status({}).catch((e) => e);
    expect(err).toBeInstanceOf(ApiFailure);
    expect((err as ApiFailure).error.code).toBe('internal');
  });

  it('sends no Authorization header without a token', async () => {
    const calls: Call[] = [];
    const api = createApi(httpTransport('', fakeFetch(200, {}, calls)), () => null);
    await api.login({ login: 'a', password: 'b' });
    expect((calls[0].init.headers as Record<string, string>).authorization).toBeUndefined();
  });
});
