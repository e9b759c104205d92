import {
  type DeliverableQuery,
  SCRIPT_DELIVERABLE_FILES,
  type ScriptDeliverableKind,
  STORYBOARD_FRAMES_PER_PAGE,
} from '@clapboard/shared/script-deliverables';

/**
 * The API path of one deliverable of a pinned version (`handover.zip` for the bundle), with the
 * query the server validates; `perPage` is sent only when it is not the default.
 */
export function deliverablePath(
  projectId: string,
  kind: ScriptDeliverableKind | 'handover.zip',
  query: DeliverableQuery,
): string {
  const params = new URLSearchParams({ version: query.version });
  if (
    query.perPage !== STORYBOARD_FRAMES_PER_PAGE.default &&
    (kind === 'storyboard.pdf' || kind === 'handover.zip')
  )
    params.set('perPage', String(query.perPage));
  return `/projects/${projectId}/${SCRIPT_DELIVERABLE_FILES[kind]}?${params}`;
}
