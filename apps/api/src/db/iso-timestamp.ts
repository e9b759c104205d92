import type { Sql } from '@clapboard/server/db';

/**
 * A timestamptz column written by Postgres in `Date#toISOString()` form (UTC, milliseconds), so a
 * page of rows is not parsed into Date objects only to be printed again. `column` is trusted SQL
 * (a column name written in the code), never user input.
 */
export function isoTimestamp(sql: Sql, column: string) {
  return sql.unsafe(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
}
