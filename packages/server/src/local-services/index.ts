export { type LocalPostgres, startEmbeddedPostgres } from './embedded-postgres';
export { assertReachableByOthers, ensureWritableFolder, firstClosedFolder } from './folder-access';
export { freePort, isPortOpen } from './free-port';
export { type LocalS3, startLocalS3 } from './local-s3';
export { ensureRedisBinary, type LocalRedis, startLocalRedis } from './redis-server';
export { localJwtSecret } from './secrets';
export {
  aptInstall,
  canAptInstall,
  type EnsureSystemPackagesOptions,
  ensureSystemPackages,
  installCommand,
  isPresent,
  parseSystemPackages,
  type SystemPackage,
  type SystemPackageUse,
  which,
} from './system-packages';
