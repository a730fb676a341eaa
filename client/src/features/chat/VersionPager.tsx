import type { Version } from './versions';

/** "‹ 2 / 3 ›" under a regenerated reply. */
export function VersionPager(props: { version: Version; onPick: (id: string) => void }) {
  const go = (d: -1 | 1) => props.onPick(props.version.ids[props.version.index - 1 + d]!);
  return (
    <span class="versions" data-testid="versions">
      <button
        class="btn ghost small"
        aria-label="Previous version"
        disabled={props.version.index === 1}
        onClick={() => go(-1)}
      >
        ‹
      </button>
      <span data-testid="version-label">
        {props.version.index} / {props.version.count}
      </span>
      <button
        class="btn ghost small"
        aria-label="Next version"
        disabled={props.version.index === props.version.count}
        onClick={() => go(1)}
      >
        ›
      </button>
    </span>
  );
}
