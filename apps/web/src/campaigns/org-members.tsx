import { addClientMemberBodySchema } from '@clapboard/shared/campaigns';
import { can } from '@clapboard/shared/permissions';
import { MEMBER_ROLES, ROLES } from '@clapboard/shared/roles';
import { MembersPanel } from '../components/members-panel';
import { type OrgKind, orgKeys, useCampaign, useClient, useOrgMembers } from './use-org';

/**
 * Members of a client or a campaign: a role here holds on every project beneath. Owners invite by
 * email (on a client, `guest` invites one of the client's own people, who sees only the projects
 * shared with the client), change roles and remove; anyone may leave.
 */
export function OrgMembers({ kind, id }: { kind: OrgKind; id: string }) {
  const client = useClient(id, kind === 'client');
  const campaign = useCampaign(id, kind === 'campaign');
  const myRole = (kind === 'client' ? client.data?.role : campaign.data?.role) ?? null;
  return (
    <MembersPanel
      base={`/${kind === 'client' ? 'clients' : 'campaigns'}/${id}/members`}
      queryKey={orgKeys.members(kind, id)}
      members={useOrgMembers(kind, id, myRole !== null && myRole !== 'guest')}
      canManage={can(myRole, kind === 'client' ? 'client:members' : 'campaign:members')}
      roles={kind === 'client' ? ROLES : MEMBER_ROLES}
      inviteSchema={addClientMemberBodySchema}
      idPrefix={`${kind}-members`}
      intro={
        kind === 'client'
          ? 'A role here holds on every project of this client; client guests see only the projects shared with the client, and their variants.'
          : 'A role here holds on every project of this campaign.'
      }
    />
  );
}
