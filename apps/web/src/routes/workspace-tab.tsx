import { useParams } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { ErrorBoundary } from '../components/error-boundary';
import { NotFound } from '../components/not-found';
import { type WorkspaceTab as Tab, WORKSPACE_TABS } from '../router';

// Each tab is its own chunk: opening the script does not download the storyboard or renders code.
const TABS: Record<Tab, React.LazyExoticComponent<() => React.JSX.Element>> = {
  brief: lazy(() => import('../tabs/brief-tab').then((m) => ({ default: m.BriefTab }))),
  script: lazy(() => import('../tabs/script-tab').then((m) => ({ default: m.ScriptTab }))),
  storyboard: lazy(() => import('../tabs/storyboard-tab').then((m) => ({ default: m.StoryboardTab }))),
  review: lazy(() => import('../tabs/review-tab').then((m) => ({ default: m.ReviewTab }))),
  renders: lazy(() => import('../tabs/renders-tab').then((m) => ({ default: m.RendersTab }))),
  variants: lazy(() => import('../tabs/variants-tab').then((m) => ({ default: m.VariantsTab }))),
  deliverables: lazy(() => import('../tabs/deliverables-tab').then((m) => ({ default: m.DeliverablesTab }))),
  lessons: lazy(() => import('../tabs/lessons-tab').then((m) => ({ default: m.LessonsTab }))),
  lectures: lazy(() => import('../tabs/lectures-tab').then((m) => ({ default: m.LecturesTab }))),
  assets: lazy(() => import('../tabs/assets-tab').then((m) => ({ default: m.AssetsTab }))),
  settings: lazy(() => import('../tabs/settings-tab').then((m) => ({ default: m.SettingsTab }))),
};

const LABELS: Record<Tab, string> = {
  brief: 'Brief',
  script: 'Script',
  storyboard: 'Storyboard',
  review: 'Review',
  renders: 'Renders',
  variants: 'Variants',
  deliverables: 'Deliverables',
  lessons: 'Lessons',
  lectures: 'Lectures',
  assets: 'Assets',
  settings: 'Settings',
};

/** One workspace tab; unknown tab names are a 404. */
export function WorkspaceTab() {
  const { tab } = useParams({ strict: false }) as { tab: string };
  if (!(WORKSPACE_TABS as readonly string[]).includes(tab)) return <NotFound />;
  const Panel = TABS[tab as Tab];
  return (
    <ErrorBoundary key={tab} label={LABELS[tab as Tab]}>
      <Suspense fallback={<p className="muted">Loading {LABELS[tab as Tab]}…</p>}>
        <Panel />
      </Suspense>
    </ErrorBoundary>
  );
}
