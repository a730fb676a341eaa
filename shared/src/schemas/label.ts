import { z } from 'zod';
import { Id, Timestamp } from './common';

export const LabelName = z.string().trim().min(1, 'must not be empty').max(50);
/** `#rrggbb`, lower-cased so the same colour is stored one way. */
export const LabelColor = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #3b82f6')
  .transform((c) => c.toLowerCase());

export const Label = z
  .object({
    id: Id,
    board_id: Id,
    name: z.string(),
    color: z.string(),
    created_by: z.string().nullable().optional(),
    updated_by: z.string().nullable().optional(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Label' });
export type Label = z.infer<typeof Label>;

export const CreateLabelBody = z
  .object({ id: Id.optional(), name: LabelName, color: LabelColor })
  .strict()
  .meta({ id: 'CreateLabelBody' });
export type CreateLabelBody = z.infer<typeof CreateLabelBody>;

export const UpdateLabelBody = z
  .object({ name: LabelName.optional(), color: LabelColor.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.color !== undefined, { error: 'nothing to update' })
  .meta({ id: 'UpdateLabelBody' });
export type UpdateLabelBody = z.infer<typeof UpdateLabelBody>;

/** The colours the label editor offers (any #rrggbb is accepted). */
export const LABEL_COLORS = ['#ef4444', '#f59e0b', '#10b981', '#3b82f6', '#8b5cf6', '#ec4899', '#6b7280'];
