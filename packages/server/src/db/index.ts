export { type ConnectDbOptions, connectDb, createSql, pingDb, type Sql } from './connect-db';
export { loadMigrations, MIGRATIONS_DIR, type Migration, migrate } from './migrate';
