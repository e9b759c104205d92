export { type LocalPostgres, startEmbeddedPostgres } from './embedded-postgres';
export { freePort, isPortOpen } from './free-port';
export { ensureRedisBinary, type LocalRedis, startLocalRedis, which } from './redis-server';
export { localJwtSecret } from './secrets';
