// The REST API's input contract as a table, written by hand from the README and the published
// OpenAPI document (field types, lengths, enums, required fields) — deliberately NOT derived from
// shared/src/schemas, so the fuzz test can catch a server schema that accepts too much (or too
// little). Each field has a rule (judges any value), and valid / invalid examples for generators.

export interface Field {
  required?: boolean;
  /** Whether the contract allows this (JSON-decoded) value. */
  ok(v: unknown): boolean;
  valid: unknown[];
  invalid: unknown[];
}

export interface BodyContract {
  fields: Record<string, Field>;
  /** A rule across fields (e.g. "at least one field"), beyond each field's own. */
  whole?(body: Record<string, unknown>): boolean;
}

// Text Postgres cannot store (NUL, lone surrogates) is not valid text anywhere in the API.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const storable = (s: string) => !s.includes('\u0000') && !LONE_SURROGATE.test(s);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 9562 UUID text (versions 1-8, the RFC variant, or the nil / max UUID), any case. */
const UUID =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;
const isUuid = (v: unknown) => typeof v === 'string' && UUID.test(v);
const A_UUID = '3f1c2a4e-8b6d-4c1e-9a2b-7d5e6f708192';

/** Text whose trimmed length (UTF-16 units, as JSON Schema maxLength counts here) is in range. */
const text =
  (min: number, max: number, trimmed = true) =>
  (v: unknown) =>
    typeof v === 'string' &&
    storable(v) &&
    (trimmed ? v.trim() : v).length >= min &&
    (trimmed ? v.trim() : v).length <= max;

function textField(min: number, max: number, opts: { required?: boolean; trimmed?: boolean } = {}): Field {
  const trimmed = opts.trimmed ?? true;
  return {
    required: opts.required,
    ok: text(min, max, trimmed),
    valid: ['x', ' padded ', 'é'.repeat(max), ...(min === 0 ? [''] : [])],
    invalid: [
      ...(min > 0 ? ['', ...(trimmed ? ['   ', '\t\n'] : [])] : []),
      'x'.repeat(max + 1),
      'a\u0000b',
      '\ud800',
      5,
      null,
      true,
      ['x'],
      { x: 1 },
    ],
  };
}

const uuidField = (required = false): Field => ({
  required,
  ok: isUuid,
  valid: [A_UUID, A_UUID.toUpperCase()],
  invalid: ['', 'not-a-uuid', A_UUID.slice(1), `${A_UUID}0`, A_UUID.replace(/-/g, ''), 1, null, [A_UUID]],
});

const nullable = (f: Field): Field => ({
  ...f,
  ok: (v) => v === null || f.ok(v),
  valid: [...f.valid, null],
  invalid: f.invalid.filter((v) => v !== null),
});

const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'];
const priority: Field = {
  ok: (v) => typeof v === 'string' && PRIORITIES.includes(v),
  valid: PRIORITIES,
  invalid: ['', 'HIGH', 'critical', ' high', 1, null],
};

/** Where a row goes: `index` (integer 0..100000) or `afterId`/`beforeId` neighbours, not both. */
const placement: Field = {
  ok(v) {
    if (!isObject(v)) return false;
    const keys = Object.keys(v);
    if (keys.some((k) => !['index', 'afterId', 'beforeId'].includes(k))) return false;
    const { index, afterId, beforeId } = v;
    if (
      index !== undefined &&
      !(Number.isInteger(index) && (index as number) >= 0 && (index as number) <= 100_000)
    )
      return false;
    for (const n of [afterId, beforeId]) if (n !== undefined && n !== null && !isUuid(n)) return false;
    return !(index !== undefined && (isUuid(afterId) || isUuid(beforeId)));
  },
  valid: [{}, { index: 0 }, { index: 100_000 }, { afterId: null }, { beforeId: null, afterId: null }],
  invalid: [
    { index: -1 },
    { index: 100_001 },
    { index: 1.5 },
    { index: '1' },
    { index: 0, afterId: A_UUID },
    { afterId: 'x' },
    { where: 'top' },
    [],
    'top',
    0,
  ],
};

const settings: Field = {
  ok(v) {
    if (!isObject(v)) return false;
    const keys = ['defaultModel', 'systemPrompt', 'monthlyBudgetUsd', 'taskBudgetUsd'];
    if (Object.keys(v).some((k) => !keys.includes(k))) return false;
    const { defaultModel: m, systemPrompt: p, monthlyBudgetUsd: mb, taskBudgetUsd: tb } = v;
    // A budget: dollars in whole cents, 0..1,000,000, or null. (A model must also be one the
    // server offers, a check beyond this table: the oracle only has to reject what is bad.)
    const budget = (b: unknown) =>
      b === undefined ||
      b === null ||
      (typeof b === 'number' && b >= 0 && b <= 1_000_000 && Math.abs(Math.round(b * 100) - b * 100) < 1e-6);
    return (
      (m === undefined || m === null || text(1, 200)(m)) &&
      (p === undefined || p === null || text(0, 20_000, false)(p)) &&
      budget(mb) &&
      budget(tb)
    );
  },
  valid: [
    {},
    { defaultModel: 'demo' },
    { monthlyBudgetUsd: 5, taskBudgetUsd: 0.5 },
    { defaultModel: null, systemPrompt: null },
    { systemPrompt: '' },
  ],
  invalid: [
    { theme: 'dark' },
    { defaultModel: '' },
    { defaultModel: 'm'.repeat(201) },
    { monthlyBudgetUsd: -1 },
    { taskBudgetUsd: 0.001 },
    { taskBudgetUsd: '5' },
    { systemPrompt: 5 },
    [],
    'x',
    null,
  ],
};

const columnNames: Field = {
  ok: (v) => Array.isArray(v) && v.length <= 50 && v.every(text(1, 100)),
  valid: [[], ['a'], Array(50).fill('c')],
  invalid: [[''], ['   '], Array(51).fill('c'), ['x'.repeat(101)], 'a', [1], null],
};

const model = nullable(textField(1, 200));
const atLeastOne = (b: Record<string, unknown>) => Object.keys(b).length > 0;

export const CONTRACT = {
  createBoard: {
    fields: { id: uuidField(), name: textField(1, 200, { required: true }), settings, columns: columnNames },
  },
  updateBoard: {
    fields: { name: textField(1, 200), settings },
    whole: (b) => b.name !== undefined || b.settings !== undefined,
  },
  createColumn: { fields: { id: uuidField(), name: textField(1, 100, { required: true }), placement } },
  updateColumn: { fields: { name: textField(1, 100, { required: true }) } },
  moveColumn: { fields: { placement: { ...placement, required: true } } },
  createTask: {
    fields: {
      id: uuidField(),
      columnId: uuidField(true),
      title: textField(1, 500, { required: true }),
      description: textField(0, 20_000, { trimmed: false }),
      priority,
      model,
      placement,
    },
  },
  updateTask: {
    fields: {
      title: textField(1, 500),
      description: textField(0, 20_000, { trimmed: false }),
      priority,
      model,
    },
    whole: atLeastOne,
  },
  moveTask: { fields: { columnId: uuidField(true), placement } },
} satisfies Record<string, BodyContract>;

/** Whether the contract accepts a JSON body (as decoded from the wire). */
export function bodyAccepted(c: BodyContract, body: unknown): boolean {
  if (!isObject(body)) return false;
  for (const k of Object.keys(body)) if (!Object.hasOwn(c.fields, k)) return false;
  for (const [k, f] of Object.entries(c.fields)) {
    if (!Object.hasOwn(body, k)) {
      if (f.required) return false;
      continue;
    }
    if (!f.ok(body[k])) return false;
  }
  return c.whole ? c.whole(body) : true;
}

// Query strings: each key at most once (a repeated key is a list, never valid), known keys only.
export interface QueryContract {
  fields: Record<string, Field>;
  whole?(q: Record<string, unknown>): boolean;
}

const AGENT_STATUSES = ['idle', 'queued', 'thinking', 'streaming', 'error'];
const oneOf = (values: string[], invalid: string[]): Field => ({
  ok: (v) => typeof v === 'string' && values.includes(v),
  valid: values,
  invalid,
});

export const QUERY_CONTRACT = {
  listTasks: {
    fields: {
      column: uuidField(),
      priority: oneOf(PRIORITIES, ['', 'HIGH', 'x']),
      agentStatus: oneOf(AGENT_STATUSES, ['', 'asleep', 'IDLE']),
      q: { ok: text(1, 200), valid: ['x', ' launch '], invalid: ['', '   ', 'q'.repeat(201)] },
      // A decimal count of rows, 1..1000.
      limit: {
        ok: (v) => typeof v === 'string' && /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1000,
        valid: ['1', '10', '1000'],
        invalid: ['0', '1001', '-1', '1.5', 'ten', '', '0x10', '1e1', '+5', ' 10'],
      },
    },
  },
  deleteColumn: {
    fields: {
      moveTasksTo: uuidField(),
      deleteTasks: oneOf(['true', 'false'], ['', 'yes', '1', 'TRUE']),
    },
    whole: (q) => !(q.moveTasksTo !== undefined && q.deleteTasks === 'true'),
  },
} satisfies Record<string, QueryContract>;

/** Whether the contract accepts a parsed query string (node:querystring, as the server parses). */
export function queryAccepted(c: QueryContract, query: Record<string, unknown>): boolean {
  for (const [k, v] of Object.entries(query)) {
    if (!Object.hasOwn(c.fields, k) || Array.isArray(v)) return false;
    if (!c.fields[k]!.ok(v)) return false;
  }
  return c.whole ? c.whole(query) : true;
}
