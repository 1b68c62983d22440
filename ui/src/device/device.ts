// How this app works — on this device, connected to a hub, or hosting the hub — through the
// shell's own commands (the app only; a browser is always a hub's client).
import type { DeviceMode, DeviceModeInfo, HubProbe } from '../bindings';
import { invokeCommand } from '../lib/api';

/** What the webview holds as its token in hub mode: the session kept in the system keyring. */
export const DEVICE_TOKEN = 'device';

/** The fragment of a hub's link (its QR code) that carries the certificate's fingerprint. */
export const PIN_KEY = 'hallpass-pin';

export const device = {
  get: () => invokeCommand<DeviceModeInfo>('device_mode_get', {}),
  set: (token: string | null, mode: DeviceMode) => invokeCommand<DeviceModeInfo>('device_mode_set', { token, mode }),
  probe: (address: string) => invokeCommand<HubProbe>('hub_probe', { address }),
};

/** A fingerprint in groups of four bytes, easier to compare by eye across two screens. */
export function groupFingerprint(fp: string): string[] {
  const pairs = fp.replace(/^SHA256:/, '').split(':');
  const groups: string[] = [];
  for (let i = 0; i < pairs.length; i += 4) groups.push(pairs.slice(i, i + 4).join(''));
  return groups;
}

/** A browser that opened a hub's link: the fingerprint is for the app, not the address bar. */
export function dropPinFromAddress(loc: Location = location, hist: History = history) {
  if (loc.hash.includes(`${PIN_KEY}=`)) hist.replaceState(null, '', loc.pathname + loc.search);
}
