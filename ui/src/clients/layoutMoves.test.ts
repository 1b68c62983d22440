import { describe, expect, it } from 'vitest';
import { moveField } from './layoutMoves';
import type { LayoutGroup } from '../bindings';

const groups = (): LayoutGroup[] => [
  { title: '', preset: 'main', fields: ['photo', 'name', 'status'] },
  { title: 'Health', preset: null, fields: ['medical_notes'] },
];

describe('moving fields in the card layout', () => {
  it('moves within a group, up and down', () => {
    expect(moveField(groups(), { group: 0, index: 2 }, { group: 0, index: 1 })[0].fields).toEqual(['photo', 'status', 'name']);
    expect(moveField(groups(), { group: 0, index: 0 }, { group: 0, index: 1 })[0].fields).toEqual(['name', 'photo', 'status']);
  });

  it('moves to another group, at a place or at the end', () => {
    const g = moveField(groups(), { group: 0, index: 1 }, { group: 1, index: 0 });
    expect(g[0].fields).toEqual(['photo', 'status']);
    expect(g[1].fields).toEqual(['name', 'medical_notes']);
    expect(moveField(groups(), { group: 0, index: 0 }, { group: 1, index: 99 })[1].fields).toEqual(['medical_notes', 'photo']);
  });

  it('leaves the layout alone for a place that does not exist, and never edits its input', () => {
    const before = groups();
    expect(moveField(before, { group: 5, index: 0 }, { group: 0, index: 0 })).toBe(before);
    moveField(before, { group: 0, index: 0 }, { group: 1, index: 0 });
    expect(before).toEqual(groups());
  });
});
