import { seqOf, type MessageRow } from '../../collections/types';

// Regenerated replies are versions of one answer: assistant rows with the same parent (the user
// message they answer), oldest first. The chat shows one version in the place of the first,
// with "‹ 2 / 3 ›"; the newest is shown unless the reader picked another. Retry and regenerate
// are offered only on the newest version of the newest reply (the server refuses the rest).

export interface Version {
  index: number; // 1-based
  count: number;
  ids: string[];
}

export function pickVersions(
  rows: MessageRow[],
  chosen: ReadonlyMap<string, string>,
): { shown: MessageRow[]; versions: Map<string, Version>; newestId: string | undefined } {
  const groups = new Map<string, MessageRow[]>();
  for (const m of rows)
    if (m.role === 'assistant' && m.parent_id) {
      const g = groups.get(m.parent_id);
      if (g) g.push(m);
      else groups.set(m.parent_id, [m]);
    }
  for (const g of groups.values()) g.sort((a, b) => seqOf(a) - seqOf(b));
  const shown: MessageRow[] = [];
  const versions = new Map<string, Version>();
  for (const m of rows) {
    const g = m.role === 'assistant' && m.parent_id ? groups.get(m.parent_id) : undefined;
    if (!g || g.length === 1) {
      shown.push(m);
      continue;
    }
    if (m.id !== g[0]!.id) continue; // the group is shown once, where its first version was
    const ids = g.map((v) => v.id);
    const pick = chosen.get(m.parent_id!);
    const i = pick && ids.includes(pick) ? ids.indexOf(pick) : ids.length - 1;
    shown.push(g[i]!);
    versions.set(g[i]!.id, { index: i + 1, count: ids.length, ids });
  }
  const newest = [...rows].sort((a, b) => seqOf(b) - seqOf(a))[0];
  return { shown, versions, newestId: newest?.role === 'assistant' ? newest.id : undefined };
}
