import { useParams } from '@tanstack/react-router';
import { NotFound } from '../components/not-found';
import { type WorkspaceTab as Tab, WORKSPACE_TABS } from '../router';

const DESCRIPTIONS: Record<Tab, string> = {
  script: 'Co-write the screenplay in Fountain with your team, live.',
  storyboard: 'Scenes from the script as cards: frame, shot, camera move and duration.',
  review: 'Comments and approvals, scene by scene.',
  renders: 'Start renders and watch them progress live.',
  assets: 'Uploads: portraits, backgrounds, music and footage.',
  settings: 'Members and roles, budget and project defaults.',
};

/** One workspace tab; unknown tab names are a 404. */
export function WorkspaceTab() {
  const { tab } = useParams({ strict: false }) as { tab: string };
  if (!(WORKSPACE_TABS as readonly string[]).includes(tab)) return <NotFound />;
  return (
    <div className="panel">
      <p className="muted">{DESCRIPTIONS[tab as Tab]}</p>
    </div>
  );
}
