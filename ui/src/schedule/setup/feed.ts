import { inTauri } from '../../lib/api';
import { device } from '../../device/device';

/** Where a calendar feed's path is reached from the instructor's phone: the hub this window
 * talks to (a browser's own origin, the app's hub, or the address this device hosts on);
 * `null` on a device that keeps its data to itself, where no feed is served. */
export async function feedAddress(path: string): Promise<string | null> {
  if (!inTauri()) return `${location.origin}${path}`;
  const info = await device.get();
  if (info.mode?.mode === 'hub') return `${info.mode.url.replace(/\/$/, '')}${path}`;
  const url = info.hosting?.urls[0];
  return url ? `${url.replace(/\/$/, '')}${path}` : null;
}
