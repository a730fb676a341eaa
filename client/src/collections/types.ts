import type { Board, Column, Message, Task } from '@kanban/shared';

// Rows as they arrive through the shapes. Messages may carry extra columns from later
// migrations; the ones we read are typed, anything else is optional. A message's seq is text
// through the REST API and a number in the chat collection (which orders by it): read it with
// `seqOf`.
export type BoardRow = Board;
export type ColumnRow = Column;
export type TaskRow = Task;
export type MessageRow = Omit<Message, 'seq'> & { seq: string | number } & Record<string, unknown>;

/** A seq large enough to sort an optimistic message after every real one. */
export const PENDING_SEQ = Number.MAX_SAFE_INTEGER;
export const seqOf = (m: { seq: string | number }) => Number(m.seq);
