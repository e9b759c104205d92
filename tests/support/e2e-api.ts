/** A registered user as the browser tests use them. */
export interface Account {
  name: string;
  email: string;
  password: string;
  token: string;
  id: string;
}

/** JSON call to the stack's API with an optional bearer token; non-2xx throws with the body. */
export async function apiCall<T>(
  baseUrl: string,
  path: string,
  init: { method?: string; json?: unknown; token?: string } = {},
): Promise<T> {
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/**
 * Registers an account and signs it in: a new email's registration answers 201 with a session; the
 * login that follows works for any account. `baseUrl` is the API origin.
 */
export async function signUp(
  baseUrl: string,
  account: { email: string; password: string; name: string },
): Promise<{ accessToken: string; user: { id: string } }> {
  await apiCall(baseUrl, '/auth/register', { method: 'POST', json: account });
  return apiCall(baseUrl, '/auth/login', {
    method: 'POST',
    json: { email: account.email, password: account.password },
  });
}

/** Registers a fresh account through the API and signs it in. */
export async function register(baseUrl: string, name: string): Promise<Account> {
  const email = `${name.toLowerCase()}-${Date.now()}@e2e.test`;
  const password = 'correct horse battery';
  const res = await signUp(baseUrl, { name, email, password });
  return { name, email, password, token: res.accessToken, id: res.user.id };
}

/**
 * Creates a project owned by `owner` and adds each `[account, role]` as a member.
 * @returns the project id
 */
export async function createProject(
  baseUrl: string,
  owner: Account,
  name: string,
  members: ReadonlyArray<readonly [Account, 'editor' | 'reviewer' | 'viewer' | 'owner']> = [],
): Promise<string> {
  const { id } = await apiCall<{ id: string }>(baseUrl, '/projects', {
    method: 'POST',
    json: { name },
    token: owner.token,
  });
  for (const [account, role] of members)
    await apiCall(baseUrl, `/projects/${id}/members`, {
      method: 'POST',
      json: { email: account.email, role },
      token: owner.token,
    });
  return id;
}

/** A render job's warnings and every line its voice steps spoke, with the voice each was given. */
export async function renderVoices(
  baseUrl: string,
  token: string,
  jobId: string,
): Promise<{ warnings: string[]; lines: Array<{ character: string; voice: string }> }> {
  const detail = await apiCall<{
    warnings: string[];
    steps: Array<{
      name: string;
      outputs: Array<{ value?: { lines?: Array<{ character: string; voice: string }> } }>;
    }>;
  }>(baseUrl, `/jobs/${jobId}`, { token });
  const lines = detail.steps
    .filter((s) => s.name.endsWith('/voice'))
    .flatMap((s) => s.outputs.flatMap((o) => o.value?.lines ?? []));
  return { warnings: detail.warnings, lines };
}
