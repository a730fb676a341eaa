import type { AgentToolName, CreateAgentBody, ToolPolicy } from '@kanban/shared';
import type { AgentRow } from './types';

// The agent form's values and their checks, apart from the dialog (unit-tested). The checks are
// the shared schema's limits, repeated here because the client does not bundle zod; the server
// checks again.

export const TOOL_NAMES = [
  'read_board',
  'read_task',
  'update_task',
  'move_task',
  'create_tasks',
  'comment',
  'mention',
] as const satisfies readonly AgentToolName[];
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : never;
export const _toolsComplete: Missing<AgentToolName, (typeof TOOL_NAMES)[number]> = true;

export const TOOL_DESCRIPTIONS: Record<AgentToolName, string> = {
  read_board: 'Read the board (columns, cards, statuses)',
  read_task: 'Read a card with its recent chat',
  update_task: 'Edit a card (title, description, priority, labels)',
  move_task: 'Move a card to another column',
  create_tasks: 'Create cards and subtasks',
  comment: "Post in another card's chat",
  mention: 'Hand off to another agent',
};

export const HANDLE_RE = /^[a-z][a-z0-9_-]{0,31}$/;

export interface AgentDraft {
  name: string;
  handle: string;
  model: string | null;
  systemPrompt: string;
  temperature: string;
  maxRounds: string;
  color: string;
  tools: Partial<Record<AgentToolName, ToolPolicy>>;
  isDefault: boolean;
}

export function draftOf(a?: AgentRow): AgentDraft {
  return {
    name: a?.name ?? '',
    handle: a?.handle ?? '',
    model: a?.model ?? null,
    systemPrompt: a?.system_prompt ?? '',
    temperature: a?.temperature == null ? '' : String(a.temperature),
    maxRounds: String(a?.max_rounds ?? 8),
    color: a?.color ?? '#2357c6',
    tools: a ? { ...a.tools } : { read_board: 'auto' },
    isDefault: a?.is_default ?? false,
  };
}

export type FieldErrors = Partial<Record<keyof AgentDraft, string>>;

/** The body to send, or the fields that are wrong (sentences), nothing sent. */
export function agentBody(
  d: AgentDraft,
  takenHandles: readonly string[] = [],
): { ok: true; body: CreateAgentBody } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = d.name.trim();
  if (!name) errors.name = 'Name must not be empty.';
  else if (name.length > 80) errors.name = `Name is too long: ${name.length} of 80 characters.`;
  const handle = d.handle.trim();
  if (!HANDLE_RE.test(handle))
    errors.handle =
      'Handle must be lower-case letters, digits, - and _, starting with a letter (at most 32).';
  else if (handle === 'all') errors.handle = '@all addresses every agent; pick another handle.';
  else if (takenHandles.includes(handle)) errors.handle = `@${handle} is taken on this board.`;
  let temperature: number | null = null;
  if (d.temperature.trim() !== '') {
    temperature = Number(d.temperature);
    if (!Number.isFinite(temperature) || temperature < 0 || temperature > 2)
      errors.temperature = 'Temperature must be a number from 0 to 2 (or empty for the default).';
  }
  const maxRounds = Number(d.maxRounds);
  if (!Number.isInteger(maxRounds) || maxRounds < 1 || maxRounds > 100)
    errors.maxRounds = 'Max rounds must be a whole number from 1 to 100.';
  if (!/^#[0-9a-fA-F]{6}$/.test(d.color)) errors.color = 'Colour must be #rrggbb.';
  if (d.systemPrompt.length > 20_000)
    errors.systemPrompt = `Prompt is too long: ${d.systemPrompt.length} of 20000 characters.`;
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    body: {
      name,
      handle,
      model: d.model,
      systemPrompt: d.systemPrompt,
      temperature,
      maxRounds,
      color: d.color,
      tools: d.tools,
      ...(d.isDefault ? { isDefault: true as const } : {}),
    },
  };
}

/** A budget field: empty → null (no cap); else a non-negative amount in dollars. */
export function parseBudget(
  text: string,
): { ok: true; value: number | null } | { ok: false; reason: string } {
  const t = text.trim().replace(/^\$/, '');
  if (t === '') return { ok: true, value: null };
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0)
    return { ok: false, reason: 'A budget is an amount in dollars, 0 or more (empty: no cap).' };
  return { ok: true, value: Math.round(n * 100) / 100 };
}
