import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@clapboard/server/logger';
import { ffprobe } from '@clapboard/server/media';
import { afterAll, describe, expect, it } from 'vitest';
import { ebur128Summary } from '../../test/support/render-test-kit';
import { createModelRegistry } from '../models/model-registry';
import { registerBundledModels } from '../models/register-bundled-models';
import { castVoices } from '../pipelines/render/cast-voices';
import { speakBundled } from './speak-bundled';
import { createSpeechEngines, SPEECH_ENGINES } from './speech-engines';
import { speechPrograms } from './speech-programs';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-engines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Programs that are not there, as on a machine where nobody ran apt-get. */
const missing = () =>
  speechPrograms({
    festival: join(dir, 'nowhere', 'festival'),
    flite: join(dir, 'nowhere', 'flite'),
    pocketsphinx: join(dir, 'nowhere', 'pocketsphinx_continuous'),
  });

/** What FFmpeg says about a WAV: its length and loudness. */
async function heard(file: string) {
  const probe = await ffprobe(file);
  const audio = probe.streams.find((s) => s.codecType === 'audio');
  return { durationSec: probe.durationSec ?? 0, audio: Boolean(audio), ...(await ebur128Summary(file)) };
}

describe('speech engines: smoke runs on this machine (real festival, flite, eSpeak NG, PocketSphinx)', () => {
  it('reports every installed engine ready only after its smoke run, unchecked before', async () => {
    const engines = createSpeechEngines();
    for (const e of SPEECH_ENGINES)
      expect(engines.state(e)).toMatchObject({ status: 'unchecked', reason: null });
    await engines.check();
    for (const e of SPEECH_ENGINES)
      expect({ e, ...engines.state(e) }).toMatchObject({ e, status: 'ready', reason: null });
  }, 60_000);

  it('reports a missing program unavailable with the package to install, in the registry report too', async () => {
    const engines = createSpeechEngines({ programs: missing() });
    await engines.check();
    expect(engines.state('festival')).toMatchObject({
      status: 'unavailable',
      reason: expect.stringMatching(
        /^festival not installed: apt-get install festival festvox-kallpc16k \(no program ".*nowhere\/(festival|text2wave)"\)$/,
      ),
    });
    expect(engines.state('flite').reason).toMatch(/^flite not installed: apt-get install flite /);
    expect(engines.state('pocketsphinx').reason).toMatch(
      /^pocketsphinx not installed: apt-get install pocketsphinx pocketsphinx-en-us /,
    );
    // eSpeak NG runs in WASM inside the worker: nothing to install, still smoke-run.
    expect(engines.state('espeak-ng')).toMatchObject({ status: 'ready', reason: null });

    const log = createLogger('engines-test', { level: 'silent' });
    const registry = createModelRegistry({
      device: { requested: 'cpu', provider: 'cpu', reason: null },
      log,
    });
    registerBundledModels(registry, engines);
    const report = Object.fromEntries(registry.report().map((m) => [m.name, m]));
    expect(report.festival).toMatchObject({
      status: 'unavailable',
      warm: false,
      reason: engines.state('festival').reason,
    });
    expect(report.flite).toMatchObject({ status: 'unavailable', warm: false });
    expect(report.pocketsphinx).toMatchObject({ status: 'unavailable', warm: false });
    expect(report['espeak-ng']).toMatchObject({ status: 'ready', warm: true, reason: null });
    // ONNX models load on first use: not claimed ready before a run.
    expect(report['silero-vad']).toMatchObject({ status: 'unchecked', warm: false });
    await registry.close();

    // The voices the worker publishes: the festival and flite ones unavailable, with the reason.
    const voices = Object.fromEntries(castVoices(undefined, engines).map((v) => [v.id, v]));
    expect(voices['festival-kal']).toMatchObject({
      available: false,
      gender: 'male',
      reason: engines.state('festival').reason,
    });
    expect(voices['flite-slt']).toMatchObject({ available: false, gender: 'female' });
    expect(voices['espeak-en-us']).toMatchObject({ available: true, reason: null });
    expect(voices['espeak-en-us-f']).toMatchObject({ available: true, gender: 'female' });
  }, 60_000);

  it('a voice whose engine is unavailable is spoken by eSpeak NG of the same register, with the warning', async () => {
    const engines = createSpeechEngines({ programs: missing() });
    await engines.check(['festival', 'flite']);
    const male = join(dir, 'kal.wav');
    const said = await speakBundled(engines, 'The boat leaves at dawn, with or without you.', male, {
      voice: 'festival-kal',
    });
    expect(said.voice).toBe('espeak-en-us');
    expect(said.warning).toMatch(
      /^Voice "Festival, US male \(kal diphone\)" is unavailable on this worker: festival not installed: apt-get install festival festvox-kallpc16k .*\. eSpeak NG, US English spoke instead\.$/,
    );
    const female = join(dir, 'slt.wav');
    const her = await speakBundled(engines, 'Then I will row it myself.', female, { voice: 'flite-slt' });
    expect(her.voice).toBe('espeak-en-us-f');
    expect(her.warning).toMatch(
      /^Voice "Flite, US female \(slt\)" is unavailable .* eSpeak NG, US English female spoke instead\.$/,
    );
    // Real speech: a sentence's length and a speaking level, not silence (FFmpeg measures).
    for (const file of [male, female]) {
      const h = await heard(file);
      expect(h.audio).toBe(true);
      expect(h.durationSec).toBeGreaterThan(1);
      expect(h.durationSec).toBeLessThan(6);
      expect(h.integratedLufs).toBeGreaterThan(-40);
      expect(h.samplePeakDbfs).toBeGreaterThan(-20);
    }
  }, 60_000);

  it('an engine that fails during a job becomes unavailable at once and the line still gets spoken', async () => {
    // Not checked yet (a render right at start-up): the first line finds out by failing.
    const engines = createSpeechEngines({ programs: missing() });
    expect(engines.state('flite').status).toBe('unchecked');
    const file = join(dir, 'rms.wav');
    const said = await speakBundled(engines, 'Hold the line.', file, { voice: 'flite-rms' });
    expect(said.voice).toBe('espeak-en-us');
    expect(said.warning).toMatch(
      /^Voice "Flite, US male \(rms\)" is unavailable on this worker: flite not installed/,
    );
    expect(engines.state('flite')).toMatchObject({ status: 'unavailable' });
    expect((await heard(file)).durationSec).toBeGreaterThan(0.4);
  }, 60_000);

  it('installing the program later makes the engine ready again on a re-check, without a restart', async () => {
    const bin = join(dir, 'later');
    mkdirSync(bin);
    const engines = createSpeechEngines({
      programs: speechPrograms({ flite: join(bin, 'flite') }),
      recheckMs: 0,
    });
    await engines.check(['flite']);
    expect(engines.state('flite').status).toBe('unavailable');
    // "apt-get install flite" happens: the program appears where the worker looks.
    symlinkSync(execFileSync('which', ['flite'], { encoding: 'utf8' }).trim(), join(bin, 'flite'));
    // A line asked for with it re-checks in the background and is spoken by eSpeak NG meanwhile.
    const first = await speakBundled(engines, 'Ready now?', join(dir, 'later-1.wav'), { voice: 'flite-slt' });
    expect(first.voice).toBe('espeak-en-us-f');
    await expect.poll(() => engines.state('flite').status, { timeout: 20_000 }).toBe('ready');
    const next = await speakBundled(engines, 'Ready now.', join(dir, 'later-2.wav'), { voice: 'flite-slt' });
    expect(next.voice).toBe('flite-slt');
    expect(next.warning).toBeUndefined();
  }, 60_000);

  it('an installed engine speaks its own voice, without a warning', async () => {
    const engines = createSpeechEngines();
    await engines.check(['flite']);
    const said = await speakBundled(engines, 'Hold the line.', join(dir, 'own.wav'), { voice: 'flite-slt' });
    expect(said).toMatchObject({ voice: 'flite-slt' });
    expect(said.warning).toBeUndefined();
  }, 60_000);
});
