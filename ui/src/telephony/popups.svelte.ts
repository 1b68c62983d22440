// The caller popups of this user: one per call ringing at their extension. A popup closes
// when someone else answers or the caller hangs up before anyone did; the one this user
// answered stays until they close it (they may be opening the card while they talk).
import type { CallEvent, CallPopup } from '../bindings';

export type Shown = CallPopup & { answered: boolean };

export class Popups {
  list = $state<Shown[]>([]);

  /** Applies one call event for the user `me`. */
  handle(e: CallEvent, me: string | undefined) {
    if (e.kind === 'ringing') {
      if (!this.list.some((p) => p.call_id === e.popup.call_id)) this.list.unshift({ ...e.popup, answered: false });
      return;
    }
    const i = this.list.findIndex((p) => p.call_id === e.call_id);
    if (i < 0) return;
    if (e.kind === 'answered') {
      if (e.by && e.by.id === me) this.list[i].answered = true;
      else this.list.splice(i, 1);
    } else if (!this.list[i].answered) {
      this.list.splice(i, 1);
    }
  }

  dismiss(callId: string) {
    this.list = this.list.filter((p) => p.call_id !== callId);
  }
}

export const popups = new Popups();
