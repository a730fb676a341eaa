// Server validation errors (problem JSON `errors: [{ path, message }]`, zod's wording) turned into
// sentences a person can act on: which field, what is wrong, and by how much. The limits here are
// the shared schemas' (field-errors.test.ts fails when they drift); the client does not bundle zod.

export interface FieldError {
  path: string;
  message: string;
}

interface Field {
  label: string;
  max?: number;
  /** Counted in characters or items. */
  unit?: 'characters' | 'items';
}

/** Every field of shared/src/schemas a request can carry, by its path without the `body.` part. */
export const FIELDS: Record<string, Field> = {
  id: { label: 'The id' },
  name: { label: 'Name', max: 200, unit: 'characters' },
  'board.name': { label: 'Board name', max: 200, unit: 'characters' },
  'column.name': { label: 'Column name', max: 100, unit: 'characters' },
  settings: { label: 'Settings' },
  'settings.defaultModel': { label: 'Default model', max: 200, unit: 'characters' },
  'settings.systemPrompt': { label: 'System prompt', max: 20_000, unit: 'characters' },
  'settings.monthlyBudgetUsd': { label: 'Monthly budget (USD)' },
  'settings.taskBudgetUsd': { label: 'Budget per task (USD)' },
  columns: { label: 'Columns', max: 50, unit: 'items' },
  'columns.*': { label: 'Column name', max: 100, unit: 'characters' },
  placement: { label: 'Position' },
  'placement.index': { label: 'Position', max: 100_000 },
  'placement.afterId': { label: 'The card or column to place after' },
  'placement.beforeId': { label: 'The card or column to place before' },
  moveTasksTo: { label: 'The column to move the cards to' },
  deleteTasks: { label: 'Delete cards' },
  columnId: { label: 'Column' },
  title: { label: 'Title', max: 500, unit: 'characters' },
  description: { label: 'Description', max: 20_000, unit: 'characters' },
  priority: { label: 'Priority' },
  model: { label: 'Model', max: 200, unit: 'characters' },
  content: { label: 'Message', max: 20_000, unit: 'characters' },
  before: { label: 'Older messages cursor' },
  limit: { label: 'Page size' },
  column: { label: 'Column filter' },
  agentStatus: { label: 'Agent status filter' },
  q: { label: 'Search text', max: 200, unit: 'characters' },
};

/** The limits inputs show before they are hit. */
export const LIMITS = {
  boardName: 200,
  columnName: 100,
  taskTitle: 500,
  description: 20_000,
  message: 20_000,
} as const;

const fmt = (n: number) => n.toLocaleString('en-US');

function fieldOf(path: string, scope?: 'board' | 'column'): { key: string; field: Field } {
  const key = path.replace(/^(body|query|path)\.?/, '');
  const generic = key.replace(/\.\d+(?=\.|$)/g, '.*');
  const field: Field = (scope && FIELDS[`${scope}.${key}`]) ??
    FIELDS[key] ??
    FIELDS[generic] ?? { label: key ? key[0]!.toUpperCase() + key.slice(1) : 'The request' };
  return { key, field };
}

function valueAt(body: unknown, key: string): unknown {
  let v = body;
  for (const k of key ? key.split('.') : []) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** "Title is too long: 612 of 500 characters" — the sentence for one length, for inputs too. */
export const tooLong = (label: string, length: number, max: number) =>
  `${label} is too long: ${fmt(length)} of ${fmt(max)} characters`;

/**
 * One field error as a sentence. `sent` is the body (or query) that was sent, so a length can be
 * counted; `scope` tells a board's `name` from a column's.
 */
export function fieldSentence(e: FieldError, sent?: unknown, scope?: 'board' | 'column'): string {
  const { key, field } = fieldOf(e.path, scope);
  const label = field.label;
  const msg = e.message;
  let m: RegExpExecArray | null;
  if ((m = /^Too big: expected string to have <=\s?(\d+)/.exec(msg))) {
    const max = Number(m[1]);
    const v = valueAt(sent, key);
    return typeof v === 'string'
      ? tooLong(label, v.trim().length, max)
      : `${label} is too long: at most ${fmt(max)} characters`;
  }
  if ((m = /^Too big: expected array to have <=\s?(\d+)/.exec(msg)))
    return `${label}: too many (at most ${fmt(Number(m[1]))})`;
  if ((m = /^Too big: expected number to be <=\s?(\d+)/.exec(msg)))
    return `${label} must be at most ${fmt(Number(m[1]))}`;
  if ((m = /^Too small: expected number to be >=\s?(\d+)/.exec(msg)))
    return `${label} must be at least ${fmt(Number(m[1]))}`;
  if (msg === 'must not be empty' || /^Too small: expected string to have >=\s?1\b/.test(msg))
    return `${label} must not be empty`;
  if (msg === 'must be a UUID' || /^Invalid UUID/.test(msg)) {
    // The shared Id schema says "must be a UUID" for every failure, a missing value included.
    if (valueAt(sent, key) === undefined && sent !== undefined) return `${label} is required`;
    return key === 'id' ? 'The id must be a UUID' : `${label} is not a valid id`;
  }
  if ((m = /^Invalid option: expected one of (.+)$/.exec(msg)))
    return `${label} must be one of ${m[1]!.replace(/"/g, '').split('|').join(', ')}`;
  if ((m = /^Unrecognized keys?: (.+)$/.exec(msg)))
    return `Unknown field${m[1]!.includes(',') ? 's' : ''}: ${m[1]!.replace(/"/g, '')}`;
  if (/^Invalid input: expected \w+, received undefined$/.test(msg)) return `${label} is required`;
  if ((m = /^Invalid input: expected (\w+)/.exec(msg)))
    return `${label} must be ${m[1] === 'int' ? 'a whole number' : `a ${m[1]}`}`;
  if (/^must not contain NUL/.test(msg)) return `${label} contains a character that cannot be stored (NUL)`;
  if (/^must be valid Unicode/.test(msg)) return `${label} contains broken text (a lone surrogate)`;
  if (msg === 'nothing to update') return 'Nothing to save: no field was changed';
  if (msg.startsWith('must be a message seq')) return `${label} is not a valid position in the history`;
  if (msg.startsWith('give ')) return `${label}: ${msg}`;
  return `${label}: ${msg}`;
}

/** All of a problem's field errors as one readable text. */
export function fieldSentences(errors: FieldError[], sent?: unknown, scope?: 'board' | 'column'): string {
  return errors.map((e) => fieldSentence(e, sent, scope)).join('. ');
}
