// A task's due time is an instant; people type it as a day and a time of the centre's, whatever
// zone the device is in.
import { localParts } from '../schedule/time';

/** The instant (ISO, UTC) of `date` (YYYY-MM-DD) at `time` (HH:MM) in `timeZone`. */
export function instantOf(date: string, time: string, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const [h, min] = time.split(':').map(Number);
  const wanted = Date.UTC(y, m - 1, d, h, min);
  // The zone's offset at a guess, then again at the answer (a change of clocks in between).
  let at = wanted;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(at).toISOString(), timeZone);
    const [py, pm, pd] = p.date.split('-').map(Number);
    const shown = Date.UTC(py, pm - 1, pd, Math.floor(p.minutes / 60), p.minutes % 60);
    at += wanted - shown;
  }
  return new Date(at).toISOString();
}

/** The centre's day and HH:MM of an instant. */
export function dueParts(iso: string, timeZone: string): { date: string; time: string } {
  const p = localParts(iso, timeZone);
  const hh = String(Math.floor(p.minutes / 60)).padStart(2, '0');
  const mm = String(p.minutes % 60).padStart(2, '0');
  return { date: p.date, time: `${hh}:${mm}` };
}

/** Whether a time typed is HH:MM (24 h). */
export function isTime(text: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(text);
}
