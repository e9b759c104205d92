import {
  BriefRulesError,
  bannedWordsInBrief,
  type DraftRules,
  docFromState,
  draftRules,
} from '@clapboard/screenplay';
import {
  type BrandWriting,
  type BriefFields,
  brandWritingSchema,
  briefFieldsSchema,
} from '@clapboard/shared/campaigns';
import { DOC_KEYS } from '@clapboard/shared/document';
import type { Sql } from '../db/connect-db';
import { loadDocumentState } from '../documents/load-document';
import { BriefDraftError, scriptNotEmptyError } from './brief-draft-error';

/** A live brief with what a draft of it follows. */
export interface DraftableBrief {
  id: string;
  projectId: string;
  campaignId: string;
  fields: BriefFields;
  /** The writing rules of the campaign's brand kit; null when the campaign has no (live) kit. */
  writing: BrandWriting | null;
  /** Brief and kit lists merged (`draftRules`). */
  rules: DraftRules;
}

/**
 * Loads a live brief of `projectId` (brief, project and campaign not deleted) with its campaign's
 * brand kit writing rules, and checks that it can be drafted now: the project is still in the
 * brief's campaign, the brief's own text holds no banned word, and, unless `replace`, the project's
 * script is empty.
 *
 * @throws BriefDraftError (`missing`, `left-campaign`, `rules`, `script-not-empty`)
 */
export async function loadDraftableBrief(
  sql: Sql,
  { projectId, briefId, replace }: { projectId: string; briefId: string; replace: boolean },
): Promise<DraftableBrief> {
  const [row] = await sql<
    {
      id: string;
      project_id: string;
      campaign_id: string;
      project_campaign_id: string | null;
      fields: unknown;
      kit_id: string | null;
      writing: unknown;
    }[]
  >`
    select b.id, b.project_id, b.campaign_id, p.campaign_id as project_campaign_id, b.fields,
           k.id as kit_id, k.style -> 'writing' as writing
    from briefs b
    join projects p on p.id = b.project_id and p.deleted_at is null
    join campaigns c on c.id = b.campaign_id and c.deleted_at is null
    left join brand_kits k on k.id = c.brand_kit_id and k.deleted_at is null
    where b.id = ${briefId} and b.project_id = ${projectId} and b.deleted_at is null`;
  if (!row)
    throw new BriefDraftError('missing', 'briefId does not name a brief of this project.', {
      field: 'briefId',
    });
  if (row.project_campaign_id !== row.campaign_id)
    throw new BriefDraftError(
      'left-campaign',
      "The project is no longer in the brief's campaign, so the brief (and its brand kit) no longer applies to it. Move the project back into the campaign, or write a brief in its new campaign.",
    );
  const fields = briefFieldsSchema.parse(row.fields);
  // A kit stored without writing rules reads as the defaults: no voice, no lists.
  const writing = row.kit_id ? brandWritingSchema.parse(row.writing ?? {}) : null;
  const rules = draftRules(fields, writing);
  const found = bannedWordsInBrief(fields, writing, rules);
  if (found.length) throw new BriefDraftError('rules', BriefRulesError.of(found).message, { banned: found });
  if (!replace) {
    const { state } = await loadDocumentState(sql, projectId);
    const doc = docFromState(state);
    try {
      if (doc.getText(DOC_KEYS.script).toString().trim()) throw scriptNotEmptyError();
    } finally {
      doc.destroy();
    }
  }
  return { id: row.id, projectId: row.project_id, campaignId: row.campaign_id, fields, writing, rules };
}
