import type { Board, Column, Message, Task } from '@kanban/shared';

// Rows as they arrive through the shapes. Messages may carry extra columns from later
// migrations; the ones we read are typed, anything else is optional.
export type BoardRow = Board;
export type ColumnRow = Column;
export type TaskRow = Task;
export type MessageRow = Message & Record<string, unknown>;

/** A seq large enough to sort an optimistic message after every real one. */
export const PENDING_SEQ = '9007199254740991';
export const seqOf = (m: { seq: string | number }) => Number(m.seq);
