/** argon2id on Node: the native binding (~30 ms per hash). The edge build takes argon2-portable.ts. */
export { hash, verify } from '@node-rs/argon2';
