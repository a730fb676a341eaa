import { createSignal, For, Show } from 'solid-js';
import type { AgentToolName, ToolPolicy } from '@kanban/shared';
import { describeError } from '../../api/http';
import { boardsApi } from '../../api/rest';
import { patchBoardRow } from '../../collections/board-list';
import { trackPending } from '../../collections/connection';
import type { BoardRow, ColumnRow } from '../../collections/types';
import { Avatar } from '../../ui/Avatar';
import { ConfirmDialog } from '../../ui/Dialog';
import { SaveRow } from '../../ui/SaveRow';
import { agentsApi, hooksApi } from './agents-api';
import { boardAgents, boardColumns, loadAgents } from './agents-store';
import {
  agentBody,
  draftOf,
  parseBudget,
  TOOL_DESCRIPTIONS,
  TOOL_NAMES,
  type AgentDraft,
  type FieldErrors,
} from './agent-form';
import { ModelPicker } from './ModelPicker';
import { toNumber } from './cost';
import type { AgentRow } from './types';

// Board settings, agents part: the board's agents (create, edit, default, delete), the column
// hooks and the budgets. Owners change them (the server's manage-settings); others read.

export function AgentsSettings(props: { board: BoardRow; owner: boolean }) {
  const agents = () => boardAgents(props.board.id);
  const [editing, setEditing] = createSignal<AgentRow | 'new'>();
  const [deleting, setDeleting] = createSignal<AgentRow>();
  const [error, setError] = createSignal<string>();
  const refresh = () => loadAgents(props.board.id);
  const makeDefault = (a: AgentRow) =>
    trackPending(agentsApi.update(a.id, { isDefault: true })).then(refresh, (e: unknown) =>
      setError(describeError(e)),
    );
  const remove = (a: AgentRow) =>
    trackPending(agentsApi.remove(a.id)).then(refresh, (e: unknown) => setError(describeError(e)));
  return (
    <div class="agents-settings" data-testid="agents-settings">
      <fieldset>
        <legend>Agents</legend>
        <ul class="agent-list">
          <For each={agents()} fallback={<li class="muted">Loading agents…</li>}>
            {(a) => (
              <li data-testid="agent-item" data-handle={a.handle}>
                <Avatar name={a.name} color={a.color} small />
                <span>
                  <strong>{a.name}</strong> <span class="muted">@{a.handle}</span>
                  <Show when={a.is_default}>
                    {' '}
                    <span class="badge">default</span>
                  </Show>
                </span>
                <span class="spacer" style={{ flex: '1' }} />
                <Show when={props.owner}>
                  <Show when={!a.is_default}>
                    <button type="button" class="btn ghost small" onClick={() => void makeDefault(a)}>
                      Make default
                    </button>
                  </Show>
                  <button
                    type="button"
                    class="btn small"
                    aria-label={`Edit @${a.handle}`}
                    onClick={() => setEditing(a)}
                  >
                    Edit
                  </button>
                  <Show when={!a.is_default}>
                    <button
                      type="button"
                      class="btn danger small"
                      aria-label={`Delete @${a.handle}`}
                      onClick={() => setDeleting(a)}
                    >
                      Delete
                    </button>
                  </Show>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={props.owner && editing() === undefined}>
          <button type="button" class="btn" onClick={() => setEditing('new')}>
            New agent
          </button>
        </Show>
        <Show when={editing()} keyed>
          {(e) => (
            <AgentForm
              boardId={props.board.id}
              agent={e === 'new' ? undefined : e}
              taken={agents()
                .filter((a) => e === 'new' || a.id !== e.id)
                .map((a) => a.handle)}
              onDone={() => {
                setEditing(undefined);
                void refresh();
              }}
            />
          )}
        </Show>
        <Show when={error()}>
          <p class="input-error" role="alert">
            {error()}
          </p>
        </Show>
      </fieldset>
      <ColumnHooks board={props.board} owner={props.owner} agents={agents()} />
      <Budgets board={props.board} owner={props.owner} />
      <ConfirmDialog
        open={!!deleting()}
        title="Delete agent"
        message={`Delete @${deleting()?.handle ?? ''}? Its past replies stay; cards using it fall back to the board's default agent.`}
        confirmLabel={`Delete @${deleting()?.handle ?? ''}`}
        onConfirm={() => {
          const a = deleting();
          if (a) void remove(a);
        }}
        onClose={() => setDeleting(undefined)}
      />
    </div>
  );
}

function AgentForm(props: { boardId: string; agent?: AgentRow; taken: string[]; onDone: () => void }) {
  // eslint-disable-next-line solid/reactivity -- the form is keyed by the agent it edits
  const [d, setD] = createSignal<AgentDraft>(draftOf(props.agent));
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [failed, setFailed] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const set = <K extends keyof AgentDraft>(k: K, v: AgentDraft[K]) => setD({ ...d(), [k]: v });
  const setTool = (t: AgentToolName, p: ToolPolicy | undefined) => {
    const tools = { ...d().tools };
    if (p) tools[t] = p;
    else delete tools[t];
    set('tools', tools);
  };
  const save = async () => {
    const r = agentBody(d(), props.taken);
    if (!r.ok) return setErrors(r.errors);
    setErrors({});
    setFailed(undefined);
    setBusy(true);
    try {
      if (props.agent) {
        const { isDefault, ...rest } = r.body;
        await trackPending(
          agentsApi.update(props.agent.id, isDefault && !props.agent.is_default ? r.body : rest),
        );
      } else await trackPending(agentsApi.create(props.boardId, { id: crypto.randomUUID(), ...r.body }));
      props.onDone();
    } catch (err) {
      setFailed(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const err = (k: keyof AgentDraft) => (
    <Show when={errors()[k]}>
      <span class="input-error" role="alert">
        {errors()[k]}
      </span>
    </Show>
  );
  return (
    <fieldset class="agent-form" data-testid="agent-form">
      <legend>{props.agent ? `Edit @${props.agent.handle}` : 'New agent'}</legend>
      <label>
        Agent name
        <input
          class="field"
          maxlength="80"
          value={d().name}
          onInput={(e) => set('name', e.currentTarget.value)}
        />
        {err('name')}
      </label>
      <label>
        Handle
        <input
          class="field"
          maxlength="32"
          value={d().handle}
          placeholder="planner"
          onInput={(e) => set('handle', e.currentTarget.value.toLowerCase())}
        />
        {err('handle')}
      </label>
      <label>
        Agent model
        <ModelPicker
          label="Agent model"
          value={d().model}
          defaultLabel="The board's default"
          onChange={(m) => set('model', m)}
        />
      </label>
      <label>
        Prompt
        <textarea
          class="field"
          rows="3"
          value={d().systemPrompt}
          onInput={(e) => set('systemPrompt', e.currentTarget.value)}
        />
        {err('systemPrompt')}
      </label>
      <div class="row">
        <label>
          Temperature
          <input
            class="field"
            inputmode="decimal"
            placeholder="default"
            value={d().temperature}
            onInput={(e) => set('temperature', e.currentTarget.value)}
          />
          {err('temperature')}
        </label>
        <label>
          Max rounds
          <input
            class="field"
            inputmode="numeric"
            value={d().maxRounds}
            onInput={(e) => set('maxRounds', e.currentTarget.value)}
          />
          {err('maxRounds')}
        </label>
        <label>
          Colour
          <input type="color" value={d().color} onInput={(e) => set('color', e.currentTarget.value)} />
          {err('color')}
        </label>
      </div>
      <div class="tool-policy" role="group" aria-label="Tools">
        <For each={TOOL_NAMES}>
          {(t) => (
            <>
              <label title={TOOL_DESCRIPTIONS[t]}>
                <input
                  type="checkbox"
                  checked={!!d().tools[t]}
                  aria-label={`Tool ${t}`}
                  onChange={(e) => setTool(t, e.currentTarget.checked ? (d().tools[t] ?? 'auto') : undefined)}
                />{' '}
                {t}
              </label>
              <select
                class="field"
                aria-label={`Policy for ${t}`}
                disabled={!d().tools[t]}
                value={d().tools[t] ?? 'auto'}
                onChange={(e) => setTool(t, e.currentTarget.value as ToolPolicy)}
              >
                <option value="auto">runs at once</option>
                <option value="ask">asks an editor</option>
              </select>
              <span class="muted small">{TOOL_DESCRIPTIONS[t]}</span>
            </>
          )}
        </For>
      </div>
      <Show when={!props.agent?.is_default}>
        <label>
          <input
            type="checkbox"
            checked={d().isDefault}
            onChange={(e) => set('isDefault', e.currentTarget.checked)}
          />{' '}
          The board's default agent
        </label>
      </Show>
      <SaveRow
        error={failed()}
        saveLabel={props.agent ? 'Save agent' : 'Create agent'}
        onCancel={() => props.onDone()}
        onSave={() => void save()}
        busy={busy()}
      />
    </fieldset>
  );
}

type HookColumn = ColumnRow & { hook_agent_id?: string | null; hook_instruction?: string | null };

/** "When a card enters this column, agent X runs with instruction Y" (columns shape, PATCH). */
function ColumnHooks(props: { board: BoardRow; owner: boolean; agents: AgentRow[] }) {
  const list = () => boardColumns(props.board.id) as HookColumn[];
  return (
    <fieldset>
      <legend>Column hooks</legend>
      <p class="muted small">When a card enters the column, the agent runs once with the instruction.</p>
      <For each={list()}>{(c) => <HookRow column={c} owner={props.owner} agents={props.agents} />}</For>
    </fieldset>
  );
}

function HookRow(props: { column: HookColumn; owner: boolean; agents: AgentRow[] }) {
  // eslint-disable-next-line solid/reactivity -- initial values; the row is keyed by column
  const [agentId, setAgentId] = createSignal(props.column.hook_agent_id ?? '');
  // eslint-disable-next-line solid/reactivity -- as above
  const [instruction, setInstruction] = createSignal(props.column.hook_instruction ?? '');
  const [state, setState] = createSignal<string>();
  const save = () => {
    const hook = agentId() ? { agentId: agentId(), instruction: instruction().trim() } : null;
    if (hook && !hook.instruction) return setState('Give the agent an instruction.');
    setState('Saving…');
    trackPending(hooksApi.set(props.column.id, hook)).then(
      () => setState('Saved.'),
      (e: unknown) => setState(describeError(e)),
    );
  };
  return (
    <div class="row hook-row" data-testid="hook-row">
      <strong>{props.column.name}</strong>
      <select
        class="field"
        aria-label={`Hook agent for ${props.column.name}`}
        disabled={!props.owner}
        value={agentId()}
        onChange={(e) => setAgentId(e.currentTarget.value)}
      >
        <option value="">No hook</option>
        <For each={props.agents}>
          {(a) => (
            <option value={a.id} selected={a.id === agentId()}>
              @{a.handle}
            </option>
          )}
        </For>
      </select>
      <input
        class="field"
        maxlength="2000"
        aria-label={`Hook instruction for ${props.column.name}`}
        placeholder="e.g. Write release notes for this card"
        disabled={!props.owner || !agentId()}
        value={instruction()}
        onInput={(e) => setInstruction(e.currentTarget.value)}
      />
      <Show when={props.owner}>
        <button type="button" class="btn small" onClick={save}>
          Apply hook
        </button>
      </Show>
      <span class="muted small" role="status">
        {state()}
      </span>
    </div>
  );
}

/** Monthly board cap and per-task cap, in dollars; empty: no cap. */
function Budgets(props: { board: BoardRow; owner: boolean }) {
  // Initial values of the open dialog (it is mounted per opening).
  // eslint-disable-next-line solid/reactivity -- read once, as above
  const b = props.board.settings;
  const shown = (v: unknown) => (toNumber(v) === undefined ? '' : String(toNumber(v)));
  const [monthly, setMonthly] = createSignal(shown(b.monthlyBudgetUsd));
  const [perTask, setPerTask] = createSignal(shown(b.taskBudgetUsd));
  const [state, setState] = createSignal<string>();
  const save = () => {
    const m = parseBudget(monthly());
    const t = parseBudget(perTask());
    if (!m.ok) return setState(m.reason);
    if (!t.ok) return setState(t.reason);
    setState('Saving…');
    const settings = { monthlyBudgetUsd: m.value, taskBudgetUsd: t.value };
    const { id, settings: before } = props.board;
    trackPending(boardsApi.update(id, { settings })).then(
      () => {
        patchBoardRow(id, { settings: { ...before, ...settings } });
        setState('Saved.');
      },
      (e: unknown) => setState(describeError(e)),
    );
  };
  return (
    <fieldset>
      <legend>Budgets</legend>
      <div class="row">
        <label>
          Monthly board budget (USD)
          <input
            class="field"
            inputmode="decimal"
            placeholder="no cap"
            disabled={!props.owner}
            value={monthly()}
            onInput={(e) => setMonthly(e.currentTarget.value)}
          />
        </label>
        <label>
          Per-task budget (USD)
          <input
            class="field"
            inputmode="decimal"
            placeholder="no cap"
            disabled={!props.owner}
            value={perTask()}
            onInput={(e) => setPerTask(e.currentTarget.value)}
          />
        </label>
        <Show when={props.owner}>
          <button type="button" class="btn small" onClick={save}>
            Apply budgets
          </button>
        </Show>
      </div>
      <p class="muted small" role="status" data-testid="budget-state">
        {state() ?? 'Over a cap, the agent says so and sends nothing to the model.'}
      </p>
    </fieldset>
  );
}
