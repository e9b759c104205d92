/**
 * Where the browser is redirected for asset bytes when the blob store is an S3 bucket (signed
 * URLs), as CSP sources: the endpoint's origin and its subdomains (virtual-hosted buckets), or
 * AWS's own hosts. None for the local store, whose bytes come from this origin.
 */
export function s3MediaOrigins(env: { S3_BUCKET?: string; S3_ENDPOINT?: string }): string[] {
  if (!env.S3_BUCKET) return [];
  if (!env.S3_ENDPOINT) return ['https://*.amazonaws.com'];
  const { protocol, host } = new URL(env.S3_ENDPOINT);
  return [`${protocol}//${host}`, `${protocol}//*.${host}`];
}
