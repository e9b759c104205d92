import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffprobe } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import type { JobOutput } from '@clapboard/shared/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VoiceValue } from '../src/pipelines/render/voice-step';
import { createSpeechEngines } from '../src/speech/speech-engines';
import { speechPrograms } from '../src/speech/speech-programs';
import { VOICES, type VoiceId } from '../src/speech/synthesize-speech';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';
import { enqueueRender, type TestProject } from './support/render-project';
import { assetToFile, ebur128Summary, renderWorker } from './support/render-test-kit';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-voices-'));
const store = createLocalBlobStore(join(dir, 'blobs'));

type Row = { status: string; error: string | null; warnings: string[]; outputs: JobOutput[] };
const ended = (h: JobHarness, id: string) =>
  waitFor(
    () =>
      h.db.sql<Row[]>`select status, error, warnings, outputs from jobs where id = ${id}`.then((r) => r[0]!),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    180_000,
  );
const voiceStepOf = (h: JobHarness, jobId: string) =>
  h.db.sql<{ outputs: JobOutput[] }[]>`
    select outputs from job_steps where job_id = ${jobId} and name = 'scene-0/voice'`.then(
    (r) => r[0]!.outputs[0]!,
  );
const labelOf = (id: string) => VOICES[id as VoiceId]?.label ?? id;

/**
 * Two characters whose script says who is who. Sorted by name, ANNA comes first: the old hand-out
 * by cast order gave her the first voice (festival's US male) and TOM the second (flite's US female).
 */
const SCRIPT = `INT. HARBOUR OFFICE - DAWN

ANNA (30s, she/her) checks the tide table. TOM (60s, he/him) pulls on his boots.

ANNA
The tide turns at six.

TOM
Then we leave at five.
`;
const story = (words: string, extra: TestProject['characters'] = {}): TestProject => ({
  script: SCRIPT,
  scenes: [
    {
      id: 'harbour',
      heading: 'INT. HARBOUR OFFICE - DAWN',
      durationSec: 3,
      dialogue: [
        { character: 'ANNA', text: `The tide turns at six${words}` },
        { character: 'TOM', text: `Then we leave at five${words}` },
        ...Object.keys(extra).map((character) => ({ character, text: `Not without me${words}` })),
      ],
    },
  ],
  characters: extra,
  settings: { transition: 'cut' },
});

describe('render.video voices: by the gender the script states, and eSpeak NG when an engine is missing', () => {
  let h: JobHarness;
  let worker: ClapboardWorker | undefined;

  beforeAll(async () => {
    h = await createJobHarness();
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the woman a female voice and the man a male one (real festival and flite)', async () => {
    const engines = createSpeechEngines();
    await engines.check(['festival', 'flite']);
    worker = renderWorker(h, store, { engines });
    await worker.ready();
    const { jobId } = await enqueueRender(h, story('.'), { preset: { resolution: '480p' } });
    const row = await ended(h, jobId);
    expect(row.error).toBeNull();
    expect(row.warnings).toEqual([]);
    const { value } = await voiceStepOf(h, jobId);
    const spoken = Object.fromEntries(
      (value as VoiceValue).lines.map((l) => [l.character, labelOf(l.voice)]),
    );
    expect(spoken).toEqual({ ANNA: 'Flite, US female (slt)', TOM: 'Festival, US male (kal diphone)' });
    await worker.close();
    worker = undefined;
  }, 240_000);

  it('festival missing: a character who chose its voice is spoken by eSpeak NG, the render says so, the others keep real voices', async () => {
    const engines = createSpeechEngines({
      programs: speechPrograms({ festival: join(dir, 'not-installed', 'festival') }),
    });
    await engines.check(['festival', 'flite']);
    expect(engines.state('festival').status).toBe('unavailable');
    worker = renderWorker(h, store, { engines });
    await worker.ready();
    const { jobId } = await enqueueRender(h, story('!', { SKIPPER: { voice: 'festival-kal' } }), {
      preset: { resolution: '480p' },
    });
    const row = await ended(h, jobId);
    expect(row.error).toBeNull();
    expect(row.status).toBe('completed');
    const voice = await voiceStepOf(h, jobId);
    const value = voice.value as VoiceValue;
    // TOM is handed an available male voice; SKIPPER keeps the voice chosen for him, spoken by eSpeak NG.
    expect(Object.fromEntries(value.lines.map((l) => [l.character, l.voice]))).toEqual({
      ANNA: 'flite-slt',
      TOM: 'flite-rms',
      SKIPPER: 'festival-kal',
    });
    const warning =
      /^Voice "Festival, US male \(kal diphone\)" is unavailable on this worker: festival not installed: apt-get install festival festvox-kallpc16k \(no program ".*not-installed\/(festival|text2wave)"\)\. eSpeak NG, US English spoke instead\.$/;
    expect(value.warnings).toEqual([expect.stringMatching(warning)]);
    // The job carries it, where the Renders tab shows it.
    expect(row.warnings).toEqual([expect.stringMatching(warning)]);
    // Every line is real speech in the track: sane lengths, and FFmpeg hears a speaking level.
    for (const line of value.lines) {
      expect(line.endSec - line.startSec).toBeGreaterThan(0.5);
      expect(line.endSec - line.startSec).toBeLessThan(4);
    }
    const track = await assetToFile(h, store, voice.assetId!, join(dir, 'voice.wav'));
    const probe = await ffprobe(track);
    expect(probe.durationSec).toBeGreaterThan(value.lines.at(-1)!.endSec - 0.05);
    expect(probe.durationSec).toBeLessThan(15);
    const level = await ebur128Summary(track);
    expect(level.integratedLufs).toBeGreaterThan(-40);
    expect(level.samplePeakDbfs).toBeGreaterThan(-20);
    // The film has the sound.
    const video = row.outputs.find((o) => o.name === 'video')!;
    const film = await assetToFile(h, store, video.assetId!, join(dir, 'film.mp4'));
    expect((await ffprobe(film)).streams.some((s) => s.codecType === 'audio')).toBe(true);
  }, 240_000);
});
