import type { PgoutputPlugin } from 'pg-logical-replication';

// pg-logical-replication: its pgoutput parser (a private `parser` with `readRelationColumn`)
// decodes values with node-postgres' global type parsers; the shape protocol needs Postgres'
// own text. This swaps every column parser for the identity, on one plugin only
// (sync/text-pgoutput.ts). adapters.test.ts pins the version and decodes a real relation.

/** The pg-logical-replication version this was checked against; adapters.test.ts fails on any other. */
export const PG_LOGICAL_REPLICATION_VERIFIED = '2.5.0';

type RelationColumn = { parser: (raw: unknown) => unknown };
type ParserInternals = { readRelationColumn?(reader: unknown): RelationColumn };

/** Makes `plugin` hand column values over as the text Postgres sent; throws if it cannot. */
export function keepColumnText(plugin: PgoutputPlugin): void {
  const internals = (plugin as unknown as { parser?: ParserInternals }).parser;
  if (typeof internals?.readRelationColumn !== 'function')
    throw new Error(
      'pg-logical-replication changed its parser: see server/src/adapters/pg-logical-replication.ts',
    );
  const read = internals.readRelationColumn.bind(internals);
  internals.readRelationColumn = (reader) => ({ ...read(reader), parser: (raw) => raw });
}
