const LABEL = {
  synced: 'Synced',
  saving: 'Saving…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
} as const;

/** The connection state in words and colour; `detail` says how each channel is doing. */
export function SyncPill(props: { state: keyof typeof LABEL; detail?: string }) {
  return (
    <span
      class="pill"
      data-state={props.state}
      role="status"
      aria-live="polite"
      title={props.detail}
      data-testid="sync-state"
    >
      {LABEL[props.state]}
    </span>
  );
}
