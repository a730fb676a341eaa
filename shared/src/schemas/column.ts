import { z } from 'zod';
import { Id, Placement, Timestamp } from './common';

export const ColumnName = z.string().trim().min(1, 'must not be empty').max(100);

export const Column = z
  .object({
    id: Id,
    board_id: Id,
    name: z.string(),
    position: z.string(),
    // Its non-archived cards, kept by a trigger (migration 0095): the header count of a board
    // that loads its cards on demand.
    card_count: z.number().int().optional(),
    // Set while the column is archived (migration 0022).
    archived_at: Timestamp.nullable().optional(),
    // The column's hook (migration 0035): a card entering it starts a run of this agent with
    // this instruction (docs/agents.md). Null agent: no hook.
    hook_agent_id: Id.nullable().optional(),
    hook_instruction: z.string().nullable().optional(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Column' });
export type Column = z.infer<typeof Column>;

/** How the client loads a board's cards (GET /api/boards/:id/load-plan). */
export const BoardLoadPlan = z
  .object({
    /** The board's non-archived cards. */
    cards: z.number().int(),
    /** Past BOARD_ON_DEMAND_CARDS: each column loads its cards a page at a time. */
    onDemand: z.boolean(),
    /** Cards per page (BOARD_PAGE_CARDS). */
    pageCards: z.number().int(),
  })
  .meta({ id: 'BoardLoadPlan' });
export type BoardLoadPlan = z.infer<typeof BoardLoadPlan>;

export const CreateColumnBody = z
  .object({ id: Id.optional(), name: ColumnName, placement: Placement.optional() })
  .strict()
  .meta({ id: 'CreateColumnBody' });
export type CreateColumnBody = z.infer<typeof CreateColumnBody>;

/** "When a card enters this column, agent X runs with instruction Y"; null removes the hook. */
export const ColumnHook = z
  .object({
    agentId: Id,
    instruction: z.string().trim().min(1, 'must not be empty').max(4000),
  })
  .strict()
  .meta({ id: 'ColumnHook' });
export type ColumnHook = z.infer<typeof ColumnHook>;

// Renaming needs `write`; the hook is a board setting (`manage-settings`, owners).
export const UpdateColumnBody = z
  .object({ name: ColumnName, hook: ColumnHook.nullable() })
  .partial()
  .strict()
  .refine((b) => b.name !== undefined || b.hook !== undefined, {
    error: 'give a name (or a hook)',
    path: ['name'],
  })
  .meta({ id: 'UpdateColumnBody' });
export type UpdateColumnBody = z.infer<typeof UpdateColumnBody>;

export const MoveColumnBody = z.object({ placement: Placement }).strict().meta({ id: 'MoveColumnBody' });
export type MoveColumnBody = z.infer<typeof MoveColumnBody>;

// Deleting a column that still holds tasks needs a decision: move them or delete them.
export const DeleteColumnQuery = z
  .object({
    moveTasksTo: Id.optional(),
    deleteTasks: z.enum(['true', 'false']).optional(),
  })
  .strict()
  .refine((q) => !(q.moveTasksTo && q.deleteTasks === 'true'), {
    error: 'give moveTasksTo or deleteTasks=true, not both',
  });
export type DeleteColumnQuery = z.infer<typeof DeleteColumnQuery>;
