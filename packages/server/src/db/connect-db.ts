import postgres, { type TransactionSql } from 'postgres';
import { redactUrl, StartupError } from '../config';

export interface ConnectDbOptions {
  /** Pool size; default 10. */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /** How long to wait for the first connection before giving up (seconds); default 5. */
  connectTimeoutSec?: number;
  /**
   * Named prepared statements (postgres.js `prepare`); default true. Off for connections through a
   * transaction pooler (PgBouncer, Hyperdrive), and on the edge, where a per-request connection
   * never reuses one.
   */
  prepare?: boolean;
}

/**
 * Creates a postgres.js client. Numeric and bigint columns come back as JS numbers where safe;
 * notices are silenced (they are not errors).
 */
export function createSql(url: string, options: ConnectDbOptions = {}) {
  return postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSec ?? 5,
    idle_timeout: 30,
    prepare: options.prepare ?? true,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? 'clapboard' },
    types: {
      // numeric → number: costs are small decimals; exactness is kept by the numeric column itself.
      numeric: {
        to: 1700,
        from: [1700],
        serialize: (v: number) => String(v),
        parse: (v: string) => Number(v),
      },
      bigint: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) },
    },
  });
}

/** The postgres.js client type used across Clapboard (numeric and bigint parsed as numbers). */
export type Sql = ReturnType<typeof createSql>;

/** A transaction on that client (what `sql.begin` hands its callback). */
export type Tx = TransactionSql<{ numeric: number; bigint: number }>;

/** The pool, or a transaction on it (for helpers that may run inside the caller's transaction). */
export type Queryable = Sql | Tx;

/**
 * Connects and checks the database answers, so a wrong `DATABASE_URL` fails at start with one line
 * that says what to fix.
 */
export async function connectDb(url: string, options: ConnectDbOptions = {}): Promise<Sql> {
  const sql = createSql(url, options);
  try {
    await sql`select 1`;
    return sql;
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => {});
    const reason = err instanceof Error ? err.message : String(err);
    throw new StartupError(
      `Cannot reach Postgres at DATABASE_URL=${redactUrl(url)} (${reason}). Check the URL, or unset DATABASE_URL to let 'npm start' run an embedded Postgres.`,
    );
  }
}

/** Readiness probe: true when a trivial query answers within `timeoutMs`. */
export async function pingDb(sql: Sql, timeoutMs = 2_000): Promise<boolean> {
  try {
    await Promise.race([
      sql`select 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
