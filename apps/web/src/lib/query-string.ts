/**
 * `?a=1&b=x` from the parameters that have a value (undefined, null and '' are left out), in the
 * order given; '' when none has one. Values are URI-encoded.
 */
export function queryString(params: Record<string, string | number | boolean | null | undefined>): string {
  const parts = Object.entries(params).flatMap(([k, v]) =>
    v === undefined || v === null || v === ''
      ? []
      : [`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`],
  );
  return parts.length ? `?${parts.join('&')}` : '';
}
