import { z } from 'zod';
import { Id, Timestamp } from './common';
import { ModelName } from './task';

// Agents are board members the chat addresses by @handle (migrations/0010_agents.sql).

export const AGENT_TOOLS = [
  'read_board',
  'read_task',
  'update_task',
  'move_task',
  'create_tasks',
  'comment',
  'mention',
] as const;
export const AgentToolName = z.enum(AGENT_TOOLS);
export type AgentToolName = z.infer<typeof AgentToolName>;

/** auto: the tool runs at once; ask: the run waits for an editor's approval. */
export const ToolPolicy = z.enum(['auto', 'ask']);
export type ToolPolicy = z.infer<typeof ToolPolicy>;

export const AgentHandle = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, - and _, starting with a letter (≤ 32)')
  // `@all` addresses every agent of the board (server/src/agent/addressing.ts).
  .refine((h) => h !== 'all', { error: '@all addresses every agent; choose another handle' });
export const AgentTools = z.partialRecord(AgentToolName, ToolPolicy);

export const Agent = z
  .object({
    id: Id,
    board_id: Id,
    handle: z.string(),
    name: z.string(),
    model: z.string().nullable(),
    system_prompt: z.string(),
    tools: z.record(z.string(), ToolPolicy),
    temperature: z.number().nullable(),
    max_rounds: z.int(),
    color: z.string(),
    is_default: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Agent' });
export type Agent = z.infer<typeof Agent>;

const fields = {
  handle: AgentHandle,
  name: z.string().trim().min(1, 'must not be empty').max(80),
  model: ModelName.nullable(),
  systemPrompt: z.string().max(20_000),
  tools: AgentTools,
  temperature: z.number().min(0).max(2).nullable(),
  maxRounds: z.int().min(1).max(100),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a #rrggbb colour'),
  /** Make this the board's default agent (the previous default stops being it). */
  isDefault: z.literal(true),
};

export const CreateAgentBody = z
  .object({ id: Id.optional(), ...fields, isDefault: fields.isDefault.optional() })
  .partial({ model: true, systemPrompt: true, tools: true, temperature: true, maxRounds: true, color: true })
  .strict()
  .meta({ id: 'CreateAgentBody' });
export type CreateAgentBody = z.infer<typeof CreateAgentBody>;

export const UpdateAgentBody = z
  .object(fields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { error: 'give at least one field to change' })
  .meta({ id: 'UpdateAgentBody' });
export type UpdateAgentBody = z.infer<typeof UpdateAgentBody>;
