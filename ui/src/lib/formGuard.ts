// Unsaved edits in a page of forms that open in place (rooms, groups, pay rules…): such a form
// counts once something was typed into it, for as long as it is open and not emptied. A
// saved or cancelled form closes and leaves the page, so it no longer counts.

/** Watches `root` and answers whether it holds such a form; `stop` ends the watching. */
export function typedForms(root: HTMLElement): { dirty: () => boolean; stop: () => void } {
  const typed = new WeakSet<HTMLFormElement>();
  const input = (e: Event) => {
    const form = (e.target as HTMLElement | null)?.closest?.('form');
    if (form) typed.add(form);
  };
  root.addEventListener('input', input);
  root.addEventListener('change', input);
  return {
    dirty: () =>
      [...root.querySelectorAll<HTMLFormElement>('form.inline-form')].some(
        (f) => typed.has(f) && [...f.elements].some((el) => el instanceof HTMLInputElement && el.type !== 'checkbox' && el.value.trim() !== ''),
      ),
    stop: () => {
      root.removeEventListener('input', input);
      root.removeEventListener('change', input);
    },
  };
}
