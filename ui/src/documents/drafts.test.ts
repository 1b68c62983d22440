import { describe, expect, it } from 'vitest';
import { placeOf, savedProblems } from './drafts';

describe('template editor', () => {
  it('finds a line and column in the text, counting characters', () => {
    const text = '#let a = 1\nສະບາຍດີ #x\n  #d.clinet';
    expect(placeOf(text, 1, 1)).toBe(0);
    expect(text.slice(placeOf(text, 2, 9))).toMatch(/^#x/);
    expect(text.slice(placeOf(text, 3, 6))).toBe('clinet');
    expect(placeOf(text, 9, 1)).toBe(text.length + 1);
  });

  it('reads the problems of a refused save', () => {
    const problems = savedProblems({
      code: 'validation',
      errors: [
        { field: 'source', code: 'template_error', message: 'line 3, column 15: dictionary does not contain key "amuont"' },
        { field: 'source', code: 'template_error', message: 'the template is empty' },
      ],
    });
    expect(problems).toEqual([
      { line: 3, column: 15, message: 'dictionary does not contain key "amuont"', hints: [] },
      { line: 0, column: 0, message: 'the template is empty', hints: [] },
    ]);
    expect(savedProblems({ code: 'conflict', message: 'stale' })).toEqual([]);
  });
});
