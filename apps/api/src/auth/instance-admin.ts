import type { Sql } from '@clapboard/server/db';

/** True when the user exists and is an instance admin (`users.is_admin`); read fresh every call. */
export async function isInstanceAdmin(sql: Sql, userId: string): Promise<boolean> {
  const [row] = await sql<{ is_admin: boolean }[]>`select is_admin from users where id = ${userId}`;
  return row?.is_admin === true;
}
