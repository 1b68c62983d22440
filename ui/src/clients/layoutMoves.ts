// Moving a field within the card layout: a pure function, so the editor's drag, keys and
// buttons all move fields the same way.

import type { LayoutGroup } from '../bindings';

export type Place = { group: number; index: number };

/** The groups with the field at `from` moved to `to` (an index past the end appends). */
export function moveField(groups: LayoutGroup[], from: Place, to: Place): LayoutGroup[] {
  const out = groups.map((g) => ({ ...g, fields: [...g.fields] }));
  const source = out[from.group];
  const target = out[to.group];
  if (!source || !target || from.index < 0 || from.index >= source.fields.length) return groups;
  const [key] = source.fields.splice(from.index, 1);
  target.fields.splice(Math.max(0, Math.min(to.index, target.fields.length)), 0, key);
  return out;
}
