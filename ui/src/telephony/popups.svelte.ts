// The caller popups of this user: one per call ringing at their extension. A popup closes
// when someone else answers or the caller hangs up before anyone did; the one this user
// answered stays until they close it (they may be opening the card while they talk).
import type { CallEvent, CallPopup } from '../bindings';

export type Shown = CallPopup & { answered: boolean; ended: boolean };

export class Popups {
  list = $state<Shown[]>([]);
  /** A popup being worked in (a number being added to a card) stays until closed. */
  pinned = $state<string | null>(null);

  /** Applies one call event for the user `me`. */
  handle(e: CallEvent, me: string | undefined) {
    if (e.kind === 'ringing') {
      if (!this.list.some((p) => p.call_id === e.popup.call_id)) this.list.unshift({ ...e.popup, answered: false, ended: false });
      return;
    }
    const i = this.list.findIndex((p) => p.call_id === e.call_id);
    if (i < 0) return;
    const keep = this.list[i].answered || this.pinned === e.call_id;
    if (e.kind === 'answered') {
      if (e.by && e.by.id === me) this.list[i].answered = true;
      else if (keep) this.list[i].ended = true;
      else this.list.splice(i, 1);
    } else if (keep) {
      this.list[i].ended = true;
    } else {
      this.list.splice(i, 1);
    }
  }

  dismiss(callId: string) {
    this.list = this.list.filter((p) => p.call_id !== callId);
    if (this.pinned === callId) this.pinned = null;
  }

  /** Another user signs in (or nobody is): what was shown is not theirs. */
  clear() {
    this.list = [];
    this.pinned = null;
  }
}

export const popups = new Popups();
