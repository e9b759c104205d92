import type { Sql } from '@clapboard/server/db';
import { signAccessToken } from '../src/auth/access-token';

/** Who a money test acts as: roles held through the client or the campaign, or none. */
export const MONEY_ACTORS = [
  'clientOwner',
  'owner',
  'editor',
  'reviewer',
  'viewer',
  'guest',
  'outsider',
  'anonymous',
] as const;
export type MoneyActor = (typeof MONEY_ACTORS)[number];

export interface MoneyOrg {
  clientId: string;
  campaignId: string;
  /** Two projects of the campaign (nobody is a direct member: every role is inherited). */
  projectIds: [string, string];
  userIds: Record<Exclude<MoneyActor, 'anonymous'>, string>;
  headers(actor: MoneyActor): Record<string, string>;
  /** A further campaign of the same client, with its own projects. */
  addCampaign(name: string): Promise<{ campaignId: string; projectIds: [string, string] }>;
}

let seq = 0;

/**
 * A client with an owner and a guest, a campaign with an owner, editor, reviewer and viewer (as
 * campaign members), two projects in it (the first shared with the client, so the guest sees the
 * campaign), an outsider, and real access tokens for each. Inserted with SQL: the org routes are
 * not this suite's subject.
 */
export async function createMoneyOrg(sql: Sql, secret: string, label = 'money'): Promise<MoneyOrg> {
  const n = ++seq;
  const userIds = {} as MoneyOrg['userIds'];
  for (const who of ['clientOwner', 'owner', 'editor', 'reviewer', 'viewer', 'guest', 'outsider'] as const) {
    const [u] = await sql<{ id: string }[]>`
      insert into users (email, name, password_hash)
      values (${`${who.toLowerCase()}.${label}.${n}@test.co`}, ${who}, 'x') returning id`;
    userIds[who] = u!.id;
  }
  const [client] = await sql<{ id: string }[]>`
    insert into clients (name, created_by) values (${`Client ${label} ${n}`}, ${userIds.clientOwner}) returning id`;
  const clientId = client!.id;
  await sql`insert into client_members (client_id, user_id, role) values
    (${clientId}, ${userIds.clientOwner}, 'owner'), (${clientId}, ${userIds.guest}, 'guest')`;
  const addCampaign = async (name: string) => {
    const [campaign] = await sql<{ id: string }[]>`
      insert into campaigns (client_id, name, created_by) values (${clientId}, ${name}, ${userIds.owner}) returning id`;
    const campaignId = campaign!.id;
    for (const role of ['owner', 'editor', 'reviewer', 'viewer'] as const)
      await sql`insert into campaign_members (campaign_id, user_id, role) values (${campaignId}, ${userIds[role]}, ${role})`;
    const projectIds: string[] = [];
    for (const [i, shared] of [
      [1, true],
      [2, false],
    ] as const) {
      const [p] = await sql<{ id: string }[]>`
        insert into projects (name, created_by, campaign_id, client_shared)
        values (${`${name} film ${i}`}, ${userIds.owner}, ${campaignId}, ${shared}) returning id`;
      projectIds.push(p!.id);
    }
    return { campaignId, projectIds: projectIds as [string, string] };
  };
  const first = await addCampaign(`Campaign ${label} ${n}`);
  const tokens = {} as Record<string, string>;
  for (const [who, id] of Object.entries(userIds))
    tokens[who] = (await signAccessToken(secret, { userId: id })).token;
  return {
    clientId,
    ...first,
    userIds,
    headers: (actor): Record<string, string> =>
      actor === 'anonymous' ? {} : { authorization: `Bearer ${tokens[actor]}` },
    addCampaign,
  };
}

/**
 * A completed job of `projectId` started by `userId`, estimated at `estimateUsd`, and its ledger
 * entries (amount, time) as a worker would have charged them. Returns the job id.
 */
export async function chargedJob(
  sql: Sql,
  projectId: string,
  userId: string | null,
  estimateUsd: number,
  charges: Array<{ usd: number; at?: string }>,
): Promise<string> {
  const [job] = await sql<{ id: string }[]>`
    insert into jobs (project_id, type, params, status, finished_at, cost_estimate_usd, cost_actual_usd, created_by)
    values (${projectId}, 'assets.derive', '{}', 'completed', now(), ${estimateUsd},
      ${charges.reduce((a, c) => a + c.usd, 0)}, ${userId})
    returning id`;
  for (const [i, c] of charges.entries())
    await sql`
      insert into cost_ledger (project_id, job_id, step, resource_class, seconds, amount_usd, created_at)
      values (${projectId}, ${job!.id}, ${`step-${i}`}, 'cpu', 1, ${c.usd}, coalesce(${c.at ?? null}::timestamptz, now()))`;
  return job!.id;
}
