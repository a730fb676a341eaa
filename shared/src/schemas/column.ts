import { z } from 'zod';
import { Id, Placement, Timestamp } from './common';

export const ColumnName = z.string().trim().min(1, 'must not be empty').max(100);

export const Column = z
  .object({
    id: Id,
    board_id: Id,
    name: z.string(),
    position: z.string(),
    // Set while the column is archived (migration 0022).
    archived_at: Timestamp.nullable().optional(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Column' });
export type Column = z.infer<typeof Column>;

export const CreateColumnBody = z
  .object({ id: Id.optional(), name: ColumnName, placement: Placement.optional() })
  .strict()
  .meta({ id: 'CreateColumnBody' });
export type CreateColumnBody = z.infer<typeof CreateColumnBody>;

export const UpdateColumnBody = z.object({ name: ColumnName }).strict().meta({ id: 'UpdateColumnBody' });
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
