const LABEL = { synced: 'Synced', saving: 'Saving…', offline: 'Offline' } as const;

/** The connection state in words and colour. */
export function SyncPill(props: { state: keyof typeof LABEL }) {
  return (
    <span class="pill" data-state={props.state} role="status" aria-live="polite" data-testid="sync-state">
      {LABEL[props.state]}
    </span>
  );
}
