import { createResource, For, Match, Show, Switch } from 'solid-js';
import { describeError } from '../../api/http';
import { formatCost, formatMs, formatTokens, toNumber } from './cost';
import { traceApi } from './agents-api';

// One reply's run, step by step (`GET /api/messages/:id/trace`): each model call (model, time to
// first token, tokens, cost, fallback) and each tool call, then the totals. A lazy chunk: it
// loads the first time someone opens a trace.

const ms = (v: unknown) => {
  const n = toNumber(v);
  return n === undefined ? '—' : formatMs(n);
};
const tokens = (v: unknown) => {
  const n = toNumber(v);
  return n === undefined ? '—' : formatTokens(n);
};

export function TraceDrawer(props: { messageId: string; onClose: () => void }) {
  const [trace] = createResource(
    () => props.messageId,
    (id) => traceApi.get(id).then((r) => r.data),
  );
  return (
    <aside
      class="trace-drawer"
      role="dialog"
      aria-label="Reply trace"
      data-testid="trace-drawer"
      tabindex="-1"
      ref={(el) => queueMicrotask(() => el.focus())}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onClose();
        }
      }}
    >
      <div class="trace-head">
        <h3>Trace</h3>
        <button class="btn ghost small" aria-label="Close trace" onClick={() => props.onClose()}>
          ✕
        </button>
      </div>
      <Switch>
        <Match when={trace.error as unknown}>
          <p class="input-error" role="alert">
            {describeError(trace.error)}
          </p>
        </Match>
        <Match when={trace.loading}>
          <p class="state" role="status">
            Loading…
          </p>
        </Match>
        <Match when={trace()}>
          {(t) => (
            <>
              <p class="trace-totals" data-testid="trace-totals">
                {t().totals.rounds} {t().totals.rounds === 1 ? 'round' : 'rounds'} · {t().totals.toolCalls}{' '}
                tool {t().totals.toolCalls === 1 ? 'call' : 'calls'} · {formatTokens(t().totals.tokensIn)} in
                / {formatTokens(t().totals.tokensOut)} out · {formatCost(toNumber(t().totals.costUsd) ?? 0)} ·{' '}
                {ms(t().totals.ms)}
                <Show when={t().totals.fallbacks > 0}> · {t().totals.fallbacks} fallback(s)</Show>
              </p>
              <Show when={t().steps.length} fallback={<p class="muted">No steps recorded for this reply.</p>}>
                <table class="trace-steps">
                  <thead>
                    <tr>
                      <th scope="col">Step</th>
                      <th scope="col">Status</th>
                      <th scope="col">Time</th>
                      <th scope="col">First token</th>
                      <th scope="col">Tokens in/out</th>
                      <th scope="col">Cost</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={t().steps}>
                      {(s) => (
                        <tr data-kind={s.kind} data-testid="trace-step">
                          <td>
                            <span class="badge">{s.kind}</span> {s.name}
                            <Show when={s.model && s.model !== s.name}>
                              <span class="muted"> · {s.model}</span>
                            </Show>
                            <Show when={s.fallback}>
                              <span class="badge" title="A fallback model answered">
                                fallback
                              </span>
                            </Show>
                            <Show when={s.error}>
                              <div class="tool-error small">{s.error}</div>
                            </Show>
                          </td>
                          <td>{s.status}</td>
                          <td>{ms(s.ms)}</td>
                          <td>{s.kind === 'model' ? ms(s.ttftMs) : ''}</td>
                          <td>
                            {s.kind === 'model' ? `${tokens(s.tokensIn)} / ${tokens(s.tokensOut)}` : ''}
                          </td>
                          <td>
                            {s.kind === 'model' && toNumber(s.costUsd) !== undefined
                              ? formatCost(toNumber(s.costUsd)!)
                              : ''}
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </aside>
  );
}
