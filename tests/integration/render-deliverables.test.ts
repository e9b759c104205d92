import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffprobe } from '@clapboard/gpu-worker/testing';
import { replaceScenes } from '@clapboard/screenplay';
import { appendUpdates } from '@clapboard/server/documents';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import { OTIO_SCHEMAS } from '@clapboard/shared/deliverables';
import type { Job } from '@clapboard/shared/jobs';
import type { RenderVideoValue } from '@clapboard/shared/render-result';
import { handoverManifestSchema } from '@clapboard/shared/script-deliverables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { apiCall, register } from '../support/e2e-api';
import { type RunningServices, startServices } from '../support/service-processes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Seconds of an SRT/VTT clock `hh:mm:ss,mmm` or `hh:mm:ss.mmm`. */
const clock = (t: string) => {
  const [h, m, s] = t.replace(',', '.').split(':').map(Number) as [number, number, number];
  return h * 3600 + m * 60 + s;
};
/** Frames of a SMPTE timecode, drop-frame when it has `;` (2 labels per minute but every tenth). */
const tcFrames = (tc: string, base: number) => {
  const [h, m, s, f] = tc.split(/[:;]/).map(Number) as [number, number, number, number];
  const minutes = h * 60 + m;
  return (minutes * 60 + s) * base + f - (tc.includes(';') ? 2 * (minutes - Math.floor(minutes / 10)) : 0);
};

/**
 * A real render through the real API and worker processes (TTS, FFmpeg, Postgres, Redis), then
 * every deliverable fetched over HTTP and read back with independent tools: timecodes recomputed
 * from the render's recorded scene spans, FCPXML through xmllint, subtitles against the stored files.
 */
describe('render deliverables from a finished render', () => {
  let db: TestDatabase;
  let svc: RunningServices;
  let token: string;
  let projectId: string;
  let jobId: string;
  let value: RenderVideoValue;
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-deliverables-'));
  chmodSync(dir, 0o755);

  const api = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${svc.apiUrl}/api/v1${path}`, {
      ...init,
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
  };
  const deliverable = async (kind: string, query = '') => {
    const res = await api(`/projects/${projectId}/renders/${jobId}/export.${kind}${query}`);
    const body = await res.text();
    expect(res.status, body).toBe(200);
    return {
      body,
      type: res.headers.get('content-type'),
      disposition: res.headers.get('content-disposition'),
    };
  };
  const comment = async (json: unknown) => {
    const res = await api(`/projects/${projectId}/comments`, { method: 'POST', json });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { comment: { id: string } }).comment.id;
  };

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    svc = await startServices({
      databaseUrl: db.url,
      redisUrl,
      dataDir: dir,
      only: ['api', 'worker'],
      env: { LOG_LEVEL: 'warn' },
    });
    token = (await register(svc.apiUrl, 'Edie')).token;
    projectId = (
      await apiCall<{ id: string }>(svc.apiUrl, '/projects', {
        method: 'POST',
        json: { name: 'Harbour' },
        token,
      })
    ).id;
    // The storyboard, stored as the realtime server stores an edit.
    const doc = new Y.Doc();
    replaceScenes(
      doc,
      (
        [
          ['s1', 'EXT. HARBOUR - NIGHT', 'The ferry is late again.'],
          ['s2', 'INT. CABIN - DAY', 'Sit down.'],
        ] as const
      ).map(([id, heading, line]) => ({
        id,
        heading,
        durationSec: 2,
        dialogue: [{ character: 'MARA', text: line, parenthetical: null, extension: null }],
      })),
    );
    await appendUpdates(db.sql, projectId, [Y.encodeStateAsUpdate(doc)]);
    doc.destroy();

    const submit = await api(`/projects/${projectId}/jobs`, {
      method: 'POST',
      json: { type: 'render.video', params: { preset: { resolution: '480p' } } },
    });
    expect(submit.status, await submit.clone().text()).toBe(202);
    jobId = ((await submit.json()) as { job: Job }).job.id;
    // A render still running has no deliverables yet.
    const early = await api(`/projects/${projectId}/renders/${jobId}/export.edl`);
    if (early.status !== 200) expect(early.status).toBe(409);
    let job: Job;
    for (const deadline = Date.now() + 240_000; ; await sleep(250)) {
      job = (await (await api(`/jobs/${jobId}`)).json()) as Job;
      if (['completed', 'failed', 'cancelled'].includes(job.status)) break;
      if (Date.now() > deadline) throw new Error(`render did not finish\n${svc.output().slice(-3000)}`);
    }
    expect(job.status, job.error ?? '').toBe('completed');
    value = job.outputs.find((o) => o.name === 'video')!.value as RenderVideoValue;

    // Review comments: a range on this render, one on a scene, one resolved, one project-wide, a reply.
    const onRender = await comment({
      body: 'Too **dark** here',
      anchor: { kind: 'media', jobId, startSec: 1, endSec: 1.5 },
    });
    await comment({ body: 'Reply: agreed', parentId: onRender });
    const onScene = await comment({ body: 'Cabin needs a lamp', anchor: { kind: 'scene', sceneId: 's2' } });
    await api(`/comments/${onScene}`, { method: 'PATCH', json: { resolved: true } });
    await comment({ body: 'Project-wide note' });
  }, 300_000);
  afterAll(async () => {
    await svc?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the render records each scene with a frame span that tiles the video', () => {
    expect(value.fps).toBe(24);
    expect(value.scenes?.map((s) => [s.sceneId, s.heading])).toEqual([
      ['s1', 'EXT. HARBOUR - NIGHT'],
      ['s2', 'INT. CABIN - DAY'],
    ]);
    const [a, b] = value.scenes!;
    expect(a!.startFrame).toBe(0);
    expect(b!.startFrame).toBe(a!.endFrame);
    expect(b!.endFrame).toBe(Math.round(value.durationSec * 24));
  });

  it('SRT and WebVTT: the files the render wrote, each cue inside the scene that speaks it', async () => {
    const srt = await deliverable('srt');
    const vtt = await deliverable('vtt');
    expect(srt.type).toMatch(/^application\/x-subrip/);
    expect(vtt.type).toMatch(/^text\/vtt/);
    expect(srt.disposition).toBe(`attachment; filename="Harbour-render-${jobId.slice(0, 8)}.srt"`);
    expect(
      vtt.body.startsWith(`WEBVTT\n\nNOTE Clapboard render ${jobId}, document version ${value.versionId}\n`),
    ).toBe(true);
    const cues = (text: string, sep: string) =>
      [
        ...text.matchAll(
          new RegExp(`(\\d\\d:\\d\\d:\\d\\d${sep}\\d{3}) --> (\\d\\d:\\d\\d:\\d\\d${sep}\\d{3})\\n(.+)`, 'g'),
        ),
      ].map((m) => ({ start: clock(m[1]!), end: clock(m[2]!), text: m[3]! }));
    const fromSrt = cues(srt.body, ',');
    const fromVtt = cues(vtt.body, '\\.');
    expect(fromSrt.map((c) => c.text)).toEqual(['MARA: The ferry is late again.', 'MARA: Sit down.']);
    expect(fromVtt.map((c) => [c.start, c.end])).toEqual(fromSrt.map((c) => [c.start, c.end]));
    fromSrt.forEach((cue, i) => {
      const span = value.scenes![i]!;
      expect(cue.start).toBeGreaterThanOrEqual(span.startFrame / 24);
      expect(cue.end).toBeLessThanOrEqual(span.endFrame / 24);
      expect(cue.end).toBeGreaterThan(cue.start);
    });
  });

  for (const [query, fps, base, exact] of [
    ['', '24', 24, 24],
    ['?fps=25', '25', 25, 25],
    ['?fps=29.97', '29.97', 30, 30000 / 1001],
  ] as const) {
    it(`EDL at ${fps} fps: events and locators recomputed from the recorded spans and comments`, async () => {
      const { body, type } = await deliverable('edl', query);
      expect(type).toMatch(/^text\/plain/);
      expect(body).toContain(fps === '29.97' ? 'FCM: DROP FRAME' : 'FCM: NON-DROP FRAME');
      const events = [...body.matchAll(/^(\d{3}) {2}AX +B +C +(\S+) (\S+) (\S+) (\S+)$/gm)];
      expect(events).toHaveLength(2);
      events.forEach((m, i) => {
        const span = value.scenes![i]!;
        expect(tcFrames(m[2]!, base)).toBe(Math.round((span.startFrame / 24) * exact));
        expect(tcFrames(m[3]!, base)).toBe(Math.round((span.endFrame / 24) * exact));
        expect([m[4], m[5]]).toEqual([m[2], m[3]]);
      });
      const locs = [...body.matchAll(/^\* LOC: (\S+) (\w+) +(.*)$/gm)];
      expect(locs.map((l) => [tcFrames(l[1]!, base), l[2], l[3]])).toEqual([
        [Math.round(1 * exact), 'YELLOW', 'Edie: Too dark here'],
        [
          Math.round((value.scenes![1]!.startFrame / 24) * exact),
          'GREEN',
          '[resolved] Edie: Cabin needs a lamp',
        ],
      ]);
      expect(body).toContain(`VERSION ${value.versionId}`);
    });
  }

  it('OTIO: parses as JSON, known schema names only, clip durations add up to the video', async () => {
    const { body, type } = await deliverable('otio', '?fps=29.97');
    expect(type).toMatch(/^application\/json/);
    const otio = JSON.parse(body);
    // The builder's names, each checked against OpenTimelineIO's own in build-otio.test.ts.
    const known: readonly string[] = OTIO_SCHEMAS;
    const walk = (v: unknown): string[] =>
      Array.isArray(v)
        ? v.flatMap(walk)
        : v && typeof v === 'object'
          ? [
              ...((v as { OTIO_SCHEMA?: string }).OTIO_SCHEMA
                ? [(v as { OTIO_SCHEMA: string }).OTIO_SCHEMA]
                : []),
              ...Object.values(v).flatMap(walk),
            ]
          : [];
    const names = walk(otio);
    expect(names.filter((n) => !known.includes(n))).toEqual([]);
    expect(names.filter((n) => n === 'Marker.2')).toHaveLength(2);
    const video = otio.tracks.children[0];
    const durations = video.children.map(
      (c: { source_range: { duration: { value: number } } }) => c.source_range.duration.value,
    );
    expect(durations.reduce((a: number, b: number) => a + b, 0)).toBe(
      Math.round(value.durationSec * (30000 / 1001)),
    );
  });

  it('FCPXML: well-formed, one asset-clip per scene, markers on their clips', async () => {
    const { body, type } = await deliverable('fcpxml', '?fps=25');
    expect(type).toMatch(/^application\/xml/);
    const file = join(dir, 'render.fcpxml');
    writeFileSync(file, body);
    execFileSync('xmllint', ['--noout', file]);
    const q = (xpath: string) =>
      execFileSync('xmllint', ['--xpath', xpath, file], { encoding: 'utf8' }).trim();
    expect(q('count(//spine/asset-clip)')).toBe('2');
    expect(q('string(//spine/asset-clip[2]/@name)')).toBe('INT. CABIN - DAY');
    expect(q('count(//spine/asset-clip[1]/marker)')).toBe('1');
    expect(q('string(//spine/asset-clip[2]/marker/@completed)')).toBe('1');
    expect(q('string(/fcpxml/resources/format/@frameDuration)')).toBe('1/25s');
  });

  it('the video the lists cut is as long as the lists say (ffprobe)', async () => {
    const video = (await (await api(`/jobs/${jobId}`)).json()) as Job;
    const assetId = video.outputs.find((o) => o.name === 'video')!.assetId!;
    const [row] = await db.sql<
      { storage_key: string }[]
    >`select storage_key from assets where id = ${assetId}`;
    const { durationSec: probed } = await ffprobe(join(dir, 'blobs', row!.storage_key));
    expect(probed).not.toBeNull();
    expect(Math.abs(probed! - value.scenes!.at(-1)!.endFrame / 24)).toBeLessThan(0.1);
  });

  it('handover.zip of the version the render was made from carries its subtitles and lists, checksummed', async () => {
    // Without `render`: the newest completed render made from that named version.
    const res = await api(`/projects/${projectId}/handover.zip?version=${value.versionId}`);
    expect(res.status, await res.clone().text()).toBe(200);
    const zip = join(dir, 'handover.zip');
    writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
    const manifest = handoverManifestSchema.parse(
      JSON.parse(execFileSync('unzip', ['-p', zip, 'manifest.json'], { encoding: 'utf8' })),
    );
    expect(manifest.render).toEqual({ jobId });
    const renderFiles = manifest.files.filter((f) => f.path.startsWith('render/'));
    expect(renderFiles.map((f) => f.kind)).toEqual(['srt', 'vtt', 'edl', 'otio', 'fcpxml']);
    for (const f of renderFiles) {
      const bytes = execFileSync('unzip', ['-p', zip, f.path]);
      expect(createHash('sha256').update(bytes).digest('hex'), f.path).toBe(f.sha256);
      expect(bytes.byteLength).toBe(f.bytes);
    }
    // The zipped EDL is the one the render's own route serves.
    const edl = renderFiles.find((f) => f.kind === 'edl')!;
    expect(execFileSync('unzip', ['-p', zip, edl.path], { encoding: 'utf8' })).toBe(
      (await deliverable('edl')).body,
    );
    // Asked by id; a render of another project is not found.
    const asked = await api(`/projects/${projectId}/handover.zip?version=current&render=${jobId}`);
    expect(asked.status).toBe(200);
    const foreign = await api(`/projects/${projectId}/handover.zip?render=${crypto.randomUUID()}`);
    expect(foreign.status).toBe(404);
  });
});
