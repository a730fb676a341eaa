import { z } from 'zod';
import { Id, Timestamp } from './common';

export const ACTIVITY_KINDS = [
  'created',
  'moved',
  'edited',
  'assigned',
  'labelled',
  'due',
  'archived',
  'restored',
  'asked',
  'agent-replied',
] as const;

/** One entry of a task's history; `data` depends on the kind (docs/activity.md). */
export const TaskActivity = z
  .object({
    id: Id,
    task_id: Id,
    actor_id: z.string().nullable(),
    actor_name: z.string().nullable(),
    kind: z.enum(ACTIVITY_KINDS),
    data: z.record(z.string(), z.unknown()),
    created_at: Timestamp,
  })
  .meta({ id: 'TaskActivity' });
export type TaskActivity = z.infer<typeof TaskActivity>;
