import type { ProjectConnectionState } from '../lib/project-connection';

const LABELS: Record<ProjectConnectionState['status'], string> = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline: edits are kept on this device',
  refused: 'Not connected',
};

/** Says whether edits are reaching the team right now, and why not when they are not. */
export function ConnectionIndicator({ state }: { state: ProjectConnectionState }) {
  const label = state.status === 'connected' && !state.synced ? 'Syncing…' : LABELS[state.status];
  return (
    <output
      className={`conn ${state.status}`}
      data-status={state.status}
      aria-live="polite"
      title={state.reason ?? label}
    >
      <span className="dot" aria-hidden="true" />
      {label}
      {state.status === 'refused' && state.reason ? `: ${state.reason}` : ''}
    </output>
  );
}
