// Focus moves to the first field a form reports an error at, once the errors are drawn.
import { tick } from 'svelte';

const INVALID = '.invalid input, .invalid select, .invalid textarea';

/** After the next update, focuses the first field marked invalid inside `root`. */
export async function focusFirstInvalid(root: ParentNode | null | undefined): Promise<void> {
  await tick();
  root?.querySelector<HTMLElement>(INVALID)?.focus();
}
