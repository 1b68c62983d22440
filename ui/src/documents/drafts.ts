// The template editor's helpers: unsaved edits kept in this browser (per user and template,
// so a reload or a new sign-in finds them), a problem's place in the text, and the problems a
// refused save names.
import type { ApiError, DocumentKind, TemplateProblem } from '../bindings';

const key = (user: string, kind: DocumentKind) => `hallpass.templateDraft.${user}.${kind}`;

export function loadDraft(user: string, kind: DocumentKind): string | null {
  try {
    return localStorage.getItem(key(user, kind));
  } catch {
    return null;
  }
}

export function saveDraft(user: string, kind: DocumentKind, text: string) {
  try {
    localStorage.setItem(key(user, kind), text);
  } catch {
    // A full or closed store: the edit stays on screen, and the tab still asks before closing.
  }
}

export function clearDraft(user: string, kind: DocumentKind) {
  try {
    localStorage.removeItem(key(user, kind));
  } catch {
    // Nothing kept, nothing to clear.
  }
}

/** The string index of a 1-based line and column (columns count characters, as typst does). */
export function placeOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  let at = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) at += lines[i].length + 1;
  const chars = Array.from(lines[line - 1] ?? '');
  return at + chars.slice(0, Math.max(0, column - 1)).join('').length;
}

/** The problems of a save refused because the template does not typeset. */
export function savedProblems(error: ApiError): TemplateProblem[] {
  if (error.code !== 'validation') return [];
  return error.errors
    .filter((e) => e.code === 'template_error')
    .map((e) => {
      const m = /^line (\d+), column (\d+): (.*)$/s.exec(e.message);
      return m
        ? { line: Number(m[1]), column: Number(m[2]), message: m[3], hints: [] }
        : { line: 0, column: 0, message: e.message, hints: [] };
    });
}
