import type { SqlType } from './values';

// A where clause after type checking: every node knows its type, every constant is already in its
// type's canonical text form, so evaluate.ts and sql.ts only walk it.

export type CmpOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { k: 'col'; name: string; t: SqlType }
  /** v: canonical text (bool as pgoutput's t/f), null for NULL; t undefined for an untyped NULL. */
  | { k: 'const'; v: string | null; t: SqlType | undefined }
  /** A cast of a value that is not constant (a column), from arg's type to t. */
  | { k: 'cast'; arg: Expr; t: SqlType }
  /** t: the type both sides are compared as. */
  | { k: 'cmp'; op: CmpOp; l: Expr; r: Expr; t: SqlType }
  | { k: 'and' | 'or'; args: Expr[] }
  | { k: 'not'; arg: Expr }
  | { k: 'null'; arg: Expr; neg: boolean }
  | { k: 'is'; arg: Expr; value: boolean; neg: boolean }
  | { k: 'in'; arg: Expr; list: Expr[]; t: SqlType; neg: boolean }
  /**
   * `arg op ANY(array)` / `arg op ALL(array)`: list holds the array's elements (filled in once
   * Postgres has parsed the array), NULL elements as NULL constants.
   */
  | { k: 'quant'; op: CmpOp; arg: Expr; list: Expr[]; t: SqlType; elem: SqlType; all: boolean }
  | { k: 'like'; arg: Expr; pattern: Expr; ci: boolean; neg: boolean; re?: RegExp };
