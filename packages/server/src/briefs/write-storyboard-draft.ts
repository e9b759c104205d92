import { randomUUID } from 'node:crypto';
import { docFromState, draftToFountain } from '@clapboard/screenplay';
import type { Brief, StoryboardDraft } from '@clapboard/shared/campaigns';
import { DOC_KEYS } from '@clapboard/shared/document';
import type { Sql } from '../db/connect-db';
import { appendUpdates } from '../documents/append-updates';
import { buildScriptImportUpdate } from '../documents/build-script-import-update';
import { publishDocUpdate } from '../documents/doc-channel';
import { loadDocumentState } from '../documents/load-document';
import type { Redis } from '../redis';
import { BriefDraftError, scriptNotEmptyError } from './brief-draft-error';

export type LastDraft = NonNullable<Brief['lastDraft']>;

export interface WriteStoryboardDraftInput {
  projectId: string;
  briefId: string;
  /** Already validated and checked against the brief's rules. */
  draft: StoryboardDraft;
  /** Overwrite a script that is not empty (else BriefDraftError `script-not-empty`). */
  replace: boolean;
  /** How the draft was made; `at` is set here. */
  source: Omit<LastDraft, 'at'>;
  /** Who asked for it (the backup version's author). */
  userId: string | null;
  /** Where live editors hear of the change (the document's Redis channel); absent: they see it on reopening. */
  redis?: Redis;
  /** The publisher's id on the document channel (`api:…`, `worker:…`); default a fresh `server:<uuid>`. */
  origin?: string;
}

export interface WrittenDraft {
  lastDraft: LastDraft;
  /** Live scenes of the storyboard now: the draft's. */
  scenes: number;
  /** The version saved with the script as it was, when one was replaced; restoring it undoes the draft. */
  backupVersionId: string | null;
}

/**
 * Writes a storyboard draft into the project document the way a script import does
 * (`buildScriptImportUpdate`): the draft as Fountain in `script` and the storyboard synced from it,
 * each scene carrying the draft's length, shot, image prompt and synopsis, as ONE Yjs update that is
 * appended to `doc_updates` and then published on the document's channel, so open editors receive it
 * like a collaborator's edit. A script that is not empty is replaced only with `replace`, and is
 * saved first as a version (source `import`, "Before the draft from brief …"). The update, the
 * backup and the brief's `last_draft` commit together; a brief deleted meanwhile writes nothing.
 *
 * Concurrent edits merge as Yjs merges any two edits: a live editor typing while the draft lands
 * keeps their characters next to the draft's.
 *
 * @throws BriefDraftError `script-not-empty` (without `replace`) or `missing` (the brief is gone)
 */
export async function writeStoryboardDraft(
  sql: Sql,
  input: WriteStoryboardDraftInput,
): Promise<WrittenDraft> {
  const { projectId, briefId, draft } = input;
  const { state } = await loadDocumentState(sql, projectId);
  const doc = docFromState(state);
  const script = doc.getText(DOC_KEYS.script).toString();
  doc.destroy();
  if (script.trim() && !input.replace) throw scriptNotEmptyError();
  const { fountain, sceneFields } = draftToFountain(draft);
  const { update, plan } = buildScriptImportUpdate(state, fountain, { sceneFields });
  // Each draft scene is one script scene (draftToFountain's promise); anything else is a bug here.
  if (plan.order.length !== draft.scenes.length)
    throw new Error(
      `The draft's ${draft.scenes.length} scenes read back as ${plan.order.length} script scenes.`,
    );
  const lastDraft: LastDraft = { ...input.source, at: new Date().toISOString() };
  const backupVersionId = await sql.begin(async (tx) => {
    const [brief] = await tx<{ title: string }[]>`
      update briefs set last_draft = ${tx.json(lastDraft as never)}
      where id = ${briefId} and project_id = ${projectId} and deleted_at is null
      returning fields ->> 'title' as title`;
    if (!brief) throw new BriefDraftError('missing', 'The brief was deleted; the draft was not written.');
    let backup: string | null = null;
    if (script.trim()) {
      const [row] = await tx<{ id: string }[]>`
        insert into doc_versions (project_id, name, state, source, created_by)
        values (${projectId}, ${`Before the draft from brief "${brief.title}"`.slice(0, 200)}, ${Buffer.from(state)},
                'import', ${input.userId})
        returning id`;
      backup = row!.id;
    }
    if (update) await appendUpdates(tx, projectId, [update]);
    return backup;
  });
  // Stored first, then published: a client that misses the message still gets it on load.
  if (input.redis && update)
    await publishDocUpdate(input.redis, projectId, input.origin ?? `server:${randomUUID()}`, update);
  return { lastDraft, scenes: plan.order.length, backupVersionId };
}
