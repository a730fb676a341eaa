import { z } from 'zod';
import { Id, Timestamp } from './common';

export const BoardName = z.string().trim().min(1, 'must not be empty').max(200);

/** A spending cap: dollars, at most cents (a person types it). */
export const BudgetUsd = z
  .number()
  .min(0)
  .max(1_000_000)
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'must be whole cents, like 5 or 12.50');

export const BoardSettings = z
  .object({
    defaultModel: z.string().trim().min(1).max(200).nullable().optional(),
    systemPrompt: z.string().max(20_000).nullable().optional(),
    // Caps in US dollars (docs/agents.md "Budgets, traces, models"); null: no cap.
    monthlyBudgetUsd: BudgetUsd.nullable().optional(),
    taskBudgetUsd: BudgetUsd.nullable().optional(),
  })
  .strict();
export type BoardSettings = z.infer<typeof BoardSettings>;

export const Board = z
  .object({
    id: Id,
    name: z.string(),
    settings: BoardSettings,
    created_by: z.string().nullable().optional(),
    updated_by: z.string().nullable().optional(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Board' });
export type Board = z.infer<typeof Board>;

export const CreateBoardBody = z
  .object({
    id: Id.optional(),
    name: BoardName,
    settings: BoardSettings.optional(),
    // Names of the columns the board starts with; omitted means the default set.
    columns: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
  })
  .strict()
  .meta({ id: 'CreateBoardBody' });
export type CreateBoardBody = z.infer<typeof CreateBoardBody>;

export const UpdateBoardBody = z
  .object({ name: BoardName.optional(), settings: BoardSettings.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.settings !== undefined, { error: 'nothing to update' })
  .meta({ id: 'UpdateBoardBody' });
export type UpdateBoardBody = z.infer<typeof UpdateBoardBody>;

export const DEFAULT_COLUMNS = ['Todo', 'In progress', 'Review', 'Done'] as const;
