export { assertValidKey, type BlobObject, type BlobStore, type ByteRange, bytesStream } from './blob-store';
export {
  type BlobStoreEnv,
  blobStoreEnvShape,
  createBlobStoreFromEnv,
  s3BlobStoreEnv,
} from './blob-store-from-env';
export { createLocalBlobStore } from './local-blob-store';
export { createS3BlobStore, type S3BlobStoreOptions } from './s3-blob-store';
