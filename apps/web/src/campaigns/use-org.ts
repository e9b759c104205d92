import {
  brandKitListSchema,
  brandKitSchema,
  briefPageSchema,
  type CampaignStatus,
  campaignBudgetSchema,
  campaignPageSchema,
  campaignProjectPageSchema,
  campaignSchema,
  clientPageSchema,
  clientSchema,
  orgMemberListSchema,
  spendReportSchema,
} from '@clapboard/shared/campaigns';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../lib/api-client';
import { queryString } from '../lib/query-string';

/**
 * The cache keys of the agency's data (clients → campaigns → projects), one place so a change
 * invalidates exactly what it touches.
 */
export const orgKeys = {
  clients: ['clients'] as const,
  client: (id: string) => ['client', id] as const,
  campaigns: ['campaigns'] as const,
  campaign: (id: string) => ['campaign', id] as const,
  campaignProjects: (id: string) => ['campaign-projects', id] as const,
  members: (kind: OrgKind, id: string) => ['org-members', kind, id] as const,
  brandKits: (clientId: string) => ['brand-kits', clientId] as const,
  brandKit: (id: string) => ['brand-kit', id] as const,
  briefs: ['briefs'] as const,
  budget: (campaignId: string) => ['campaign-budget', campaignId] as const,
  spend: ['spend'] as const,
  gallery: ['gallery'] as const,
};

export type OrgKind = 'client' | 'campaign';

/** The clients I belong to (staff or guest), newest first, filtered by name; pages of 50. */
export function useClients(q: string) {
  return useInfiniteQuery({
    queryKey: [...orgKeys.clients, q],
    queryFn: ({ pageParam }) =>
      api(`/clients${queryString({ q: q.trim(), limit: 50, cursor: pageParam })}`, clientPageSchema),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useClient(id: string, enabled = true) {
  return useQuery({
    queryKey: orgKeys.client(id),
    queryFn: () => api(`/clients/${id}`, clientSchema),
    enabled,
  });
}

/** Campaigns I can see, narrowed by client, status and name; pages of 50. */
export function useCampaigns(filter: { clientId?: string; status?: CampaignStatus | ''; q?: string }) {
  return useInfiniteQuery({
    queryKey: [...orgKeys.campaigns, filter],
    queryFn: ({ pageParam }) =>
      api(
        `/campaigns${queryString({ ...filter, q: filter.q?.trim(), limit: 50, cursor: pageParam })}`,
        campaignPageSchema,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useCampaign(id: string, enabled = true) {
  return useQuery({
    queryKey: orgKeys.campaign(id),
    queryFn: () => api(`/campaigns/${id}`, campaignSchema),
    enabled,
  });
}

/**
 * A campaign's projects (a guest sees only those shared with the client), recently changed first.
 * @param refetchInterval poll for people without a project socket (guests), in ms
 */
export function useCampaignProjects(id: string, refetchInterval?: number) {
  return useQuery({
    queryKey: orgKeys.campaignProjects(id),
    queryFn: () => api(`/campaigns/${id}/projects?limit=100`, campaignProjectPageSchema),
    refetchInterval,
  });
}

/** Members of a client or a campaign (staff only: guests are refused the list). */
export function useOrgMembers(kind: OrgKind, id: string, enabled = true) {
  return useQuery({
    queryKey: orgKeys.members(kind, id),
    queryFn: () => api(`/${kind === 'client' ? 'clients' : 'campaigns'}/${id}/members`, orgMemberListSchema),
    enabled,
  });
}

export function useBrandKits(clientId: string, enabled = true) {
  return useQuery({
    queryKey: orgKeys.brandKits(clientId),
    queryFn: () => api(`/brand-kits${queryString({ clientId })}`, brandKitListSchema),
    enabled,
  });
}

export function useBrandKit(id: string) {
  return useQuery({
    queryKey: orgKeys.brandKit(id),
    queryFn: () => api(`/brand-kits/${id}`, brandKitSchema),
  });
}

/** Briefs of a campaign or of one project, newest first. */
export function useBriefs(filter: { campaignId?: string; projectId?: string }) {
  return useQuery({
    queryKey: [...orgKeys.briefs, filter],
    queryFn: () => api(`/briefs${queryString({ ...filter, limit: 100 })}`, briefPageSchema),
  });
}

export function useCampaignBudget(id: string, enabled = true) {
  return useQuery({
    queryKey: orgKeys.budget(id),
    queryFn: () => api(`/campaigns/${id}/budget`, campaignBudgetSchema),
    enabled,
  });
}

/** The spend report of a client or a campaign over `from`..`to` (the API's default range without). */
export function useSpend(kind: OrgKind, id: string, range: { from?: string; to?: string }, enabled = true) {
  return useQuery({
    queryKey: [...orgKeys.spend, kind, id, range],
    queryFn: () =>
      api(
        `/${kind === 'client' ? 'clients' : 'campaigns'}/${id}/spend${queryString(range)}`,
        spendReportSchema,
      ),
    enabled,
  });
}
