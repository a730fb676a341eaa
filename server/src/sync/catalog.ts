import type { Pool } from 'pg';

// What the shapes need to know about a table: its columns as electric-schema describes them
// (electric-protocol §3.5), the primary key, and each column's SQL type for casting parameters.

export interface ColumnInfo {
  name: string;
  type: string; // element type for arrays
  dims: number;
  notNull: boolean;
  pkIndex: number | null;
  sqlType: string; // format_type(), e.g. "uuid", "text[]"
  typeOid: number;
  typeSchema: string;
  typeName: string; // pg_type.typname of the column's own type ("_text" for text[])
  typtype: string; // 'b' base, 'e' enum, 'd' domain, …
  labels: string[] | null; // an enum's labels in sort order
}

export interface TableInfo {
  schema: string;
  table: string;
  columns: ColumnInfo[];
  pk: string[];
  /** pg_class.relreplident: 'f' full, 'd' default (key only), 'n' nothing, 'i' index. */
  replicaIdentity: string;
}

export async function readTable(pool: Pool, schema: string, table: string): Promise<TableInfo | undefined> {
  const { rows } = await pool.query<{
    name: string;
    type: string;
    dims: number;
    not_null: boolean;
    pk_index: number | null;
    sql_type: string;
    type_oid: number;
    type_schema: string;
    type_name: string;
    typtype: string;
    labels: string[] | null;
    replident: string;
  }>(
    `SELECT a.attname AS name,
            CASE WHEN t.typcategory = 'A' THEN et.typname ELSE t.typname END AS type,
            CASE WHEN t.typcategory = 'A' THEN greatest(a.attndims, 1) ELSE 0 END AS dims,
            a.attnotnull AS not_null,
            (SELECT array_position(string_to_array(i.indkey::text, ' ')::int2[], a.attnum) - 1
               FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS pk_index,
            format_type(a.atttypid, a.atttypmod) AS sql_type,
            t.oid::int AS type_oid, tn.nspname AS type_schema, t.typname AS type_name,
            t.typtype::text AS typtype,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
               FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels,
            c.relreplident::text AS replident
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_namespace tn ON tn.oid = t.typnamespace
       LEFT JOIN pg_type et ON et.oid = t.typelem
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [schema, table],
  );
  if (rows.length === 0) return undefined;
  const columns = rows.map((r) => ({
    name: r.name,
    type: r.type,
    dims: r.dims,
    notNull: r.not_null,
    pkIndex: r.pk_index,
    sqlType: r.sql_type,
    typeOid: r.type_oid,
    typeSchema: r.type_schema,
    typeName: r.type_name,
    typtype: r.typtype,
    labels: r.labels,
  }));
  const pk = columns
    .filter((c) => c.pkIndex !== null)
    .sort((a, b) => a.pkIndex! - b.pkIndex!)
    .map((c) => c.name);
  // Without a primary key every column (sorted by name) is the key, as in Electric.
  return {
    schema,
    table,
    columns,
    pk: pk.length ? pk : columns.map((c) => c.name).sort(),
    replicaIdentity: rows[0]!.replident,
  };
}

/** The electric-schema header value for the selected columns. */
export function schemaHeader(columns: readonly ColumnInfo[]): string {
  const out: Record<string, { type: string; dims?: number; not_null?: true; pk_index?: number }> = {};
  for (const c of columns) {
    out[c.name] = {
      type: c.type,
      ...(c.dims > 0 ? { dims: c.dims } : {}),
      ...(c.notNull ? { not_null: true as const } : {}),
      ...(c.pkIndex !== null ? { pk_index: c.pkIndex } : {}),
    };
  }
  return JSON.stringify(out);
}

/** Tables the publication carries, i.e. the only tables a shape can follow. */
export async function publishedTables(pool: Pool, publication: string): Promise<Set<string>> {
  const { rows } = await pool.query<{ t: string }>(
    `SELECT schemaname || '.' || tablename AS t FROM pg_publication_tables WHERE pubname = $1`,
    [publication],
  );
  return new Set(rows.map((r) => r.t));
}
