import { sceneEntries, syncScenesFromScript } from '@clapboard/screenplay';
import type { Sql } from '@clapboard/server/db';
import { brandKitStyleSchema, briefFieldsSchema } from '@clapboard/shared/campaigns';
import { DOC_KEYS } from '@clapboard/shared/document';
import * as Y from 'yjs';
import { hashPassword } from '../auth/password';
import { DEMO_SCENES, DEMO_SCRIPT } from './demo-script';

export const DEMO_EMAIL = 'demo@clapboard.local';
export const DEMO_PASSWORD = 'clapboard-demo';

/**
 * Encodes the demo project's first document state: the script, its scenes made by the same sync the
 * editor runs (so their dialogue is there and a render voices it before anyone opens the script),
 * each with the demo's shot, camera, duration and seed, and the settings.
 */
export function demoDocumentUpdate(): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    doc.getText(DOC_KEYS.script).insert(0, DEMO_SCRIPT);
    syncScenesFromScript(doc);
    sceneEntries(doc).forEach(({ map: m }, i) => {
      const demo = DEMO_SCENES.find((s) => s.heading === m.get('heading'));
      if (!demo) throw new Error(`the demo script's scene ${m.get('heading')} has no DEMO_SCENES entry`);
      m.set('shot', demo.shot);
      m.set('camera', demo.camera);
      m.set('durationSec', demo.durationSec);
      m.set('seed', 1000 + i);
      if (!m.has('synopsis')) m.set('synopsis', '');
      if (!m.has('notes')) m.set('notes', '');
    });
    const settings = doc.getMap(DOC_KEYS.settings);
    settings.set('aspectRatio', '16:9');
    settings.set('resolution', '720p');
    settings.set('fps', 24);
    settings.set('musicPrompt', 'calm');
    settings.set('transition', 'crossfade');
  });
  return Y.encodeStateAsUpdate(doc);
}

/** The demo client's brand kit: its palette, cards and writing rules. */
const DEMO_KIT = brandKitStyleSchema.parse({
  palette: {
    primary: '#1b4d3e',
    secondary: '#f4ede4',
    accent: '#d98e04',
    background: '#10261f',
    text: '#ffffff',
  },
  introCard: { enabled: true, text: 'Harbour Coffee', durationSec: 1.5 },
  outroCard: { enabled: true, text: 'Find us on the quay', durationSec: 2 },
  writing: {
    voice: 'Warm, local, a little salty',
    mustSay: ['Roasted on the harbour'],
    bannedWords: ['cheap'],
  },
});
/** The demo campaign's brief, ready for "Draft storyboard". */
const DEMO_BRIEF = briefFieldsSchema.parse({
  title: 'Spring blend launch',
  product: 'Spring Tide, a light-roast seasonal blend',
  audience: 'Commuters who pass the harbour every morning',
  keyMessage: 'A brighter cup for brighter mornings.',
  mustSay: ['Only until June'],
  bannedWords: ['bitter'],
  tone: 'warm',
  platforms: ['instagram-reels', 'youtube'],
  durations: [30, 15],
  callToAction: 'Try it at the quay this week.',
});

/**
 * On first run (no users yet) creates the demo account and a demo project with a short script.
 * Returns whether it seeded, so the launcher can print the demo login.
 */
export async function seedDemo(sql: Sql): Promise<{ seeded: boolean; email: string; password: string }> {
  const result = { email: DEMO_EMAIL, password: DEMO_PASSWORD };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const seeded = await sql.begin(async (tx) => {
    const [{ count }] = (await tx`select count(*)::int as count from users`) as unknown as [
      { count: number },
    ];
    if (count > 0) return false;
    const [user] = await tx<{ id: string }[]>`
      insert into users (email, name, password_hash) values (${DEMO_EMAIL}, 'Demo Producer', ${passwordHash}) returning id`;
    const [project] = await tx<{ id: string }[]>`
      insert into projects (name, created_by, settings)
      values ('The Lighthouse Keeper (demo)', ${user!.id}, ${tx.json({ aspectRatio: '16:9', resolution: '720p', fps: 24 })})
      returning id`;
    await tx`insert into project_members (project_id, user_id, role) values (${project!.id}, ${user!.id}, 'owner')`;
    await tx`insert into doc_updates (doc_id, update) values (${project!.id}, ${Buffer.from(demoDocumentUpdate())})`;
    await tx`insert into audit_log (project_id, actor_id, action, target_type, target_id) values (${project!.id}, ${user!.id}, 'project.seeded', 'project', ${project!.id})`;
    // An agency's client with a brand kit, a campaign and a project holding a brief, ready for
    // "Draft storyboard" and a variant matrix.
    const [client] = await tx<{ id: string }[]>`
      insert into clients (name, created_by) values ('Harbour Coffee (demo)', ${user!.id}) returning id`;
    await tx`insert into client_members (client_id, user_id, role) values (${client!.id}, ${user!.id}, 'owner')`;
    const [kit] = await tx<{ id: string }[]>`
      insert into brand_kits (client_id, name, style, created_by)
      values (${client!.id}, 'Harbour Coffee', ${tx.json(DEMO_KIT as never)}, ${user!.id}) returning id`;
    const [campaign] = await tx<{ id: string }[]>`
      insert into campaigns (client_id, name, brand_kit_id, created_by)
      values (${client!.id}, 'Spring launch (demo)', ${kit!.id}, ${user!.id}) returning id`;
    const [spot] = await tx<{ id: string }[]>`
      insert into projects (name, created_by, campaign_id) values ('Spring spot (demo)', ${user!.id}, ${campaign!.id})
      returning id`;
    await tx`insert into project_members (project_id, user_id, role) values (${spot!.id}, ${user!.id}, 'owner')`;
    await tx`
      insert into briefs (campaign_id, project_id, fields, created_by)
      values (${campaign!.id}, ${spot!.id}, ${tx.json(DEMO_BRIEF as never)}, ${user!.id})`;
    return true;
  });
  return { seeded, ...result };
}
