import { describe, expect, it } from 'vitest';
import { dropPinFromAddress, groupFingerprint } from './device';

describe('device', () => {
  it('groups a fingerprint by four bytes', () => {
    const fp = 'SHA256:' + Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':');
    const groups = groupFingerprint(fp);
    expect(groups).toHaveLength(8);
    expect(groups[0]).toBe('00010203');
    expect(groups[7]).toBe('1C1D1E1F');
  });

  it('removes the pin from a hub link opened in a browser, and only it', () => {
    const calls: string[] = [];
    const hist = { replaceState: (_s: unknown, _t: string, url: string) => calls.push(url) } as unknown as History;
    dropPinFromAddress({ hash: '#hallpass-pin=SHA256:AB', pathname: '/', search: '' } as Location, hist);
    dropPinFromAddress({ hash: '#clients', pathname: '/', search: '' } as Location, hist);
    expect(calls).toEqual(['/']);
  });
});
