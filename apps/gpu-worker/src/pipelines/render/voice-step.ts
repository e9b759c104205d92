import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shotSeconds, transitionSeconds } from '@clapboard/shared/render-timing';
import type { StepDefinition } from '../../jobs/pipeline';
import { encodeWav } from '../../media/encode-wav';
import { brandOf } from './brand-kit';
import { PROVIDER_VOICE_PREFIX } from './cast-voices';
import { AUDIO_RATE } from './mix-soundtrack';
import {
  type RenderDeps,
  type RenderParams,
  type RenderStepContext,
  sceneOf,
  transitionOf,
  voiceFor,
} from './render-context';
import { loadRenderDocument } from './render-document';
import { sceneTrack, speakScene } from './speak-scene';
import { storeStepFile } from './step-files';

/** What the voice step hands to the shot and assembly steps. */
export interface VoiceValue {
  sha256: string;
  /** The shot's length: the scene's duration stretched to hold its dialogue (seconds). */
  durationSec: number;
  lines: Array<{ character: string; text: string; voice: string; startSec: number; endSec: number }>;
  /** Voices that could not speak here (a provider's that failed, an engine unavailable) and what spoke instead. */
  warnings?: string[];
}

async function inputsOf(ctx: RenderStepContext, deps: RenderDeps) {
  const doc = await loadRenderDocument(ctx.sql, ctx.jobId);
  const { scene, index } = sceneOf(ctx, doc);
  const voices = deps.models.voices();
  const lines = scene.dialogue
    .filter((l) => l.text.trim())
    .map((l) => {
      const character = l.character.trim().toUpperCase();
      return {
        character,
        text: l.text.trim(),
        // A brand kit's default voice speaks for characters and scenes without one of their own.
        voice: voiceFor(doc, character, scene, voices, brandOf(ctx.params)?.style.defaultVoice),
      };
    });
  const fps = doc.settings.fps;
  return { scene, index, lines, fps, transitionSec: transitionSeconds(transitionOf(ctx, doc), fps) };
}

/**
 * Voice step: every dialogue line of the scene spoken in its character's voice, laid on a track
 * as long as the shot, with each line's times kept for subtitles. A scene without dialogue gets a
 * silent track of the scene's own duration.
 */
export function voiceStep(deps: RenderDeps): StepDefinition<RenderParams> {
  return {
    version: 1,
    cacheInput: async (ctx) => {
      const { scene, lines, fps, transitionSec } = await inputsOf(ctx, deps);
      return {
        lines,
        durationSec: scene.durationSec,
        fps,
        transitionSec,
        models: lines.length ? deps.models.version : null,
        speech: lines.some((l) => l.voice.startsWith(PROVIDER_VOICE_PREFIX))
          ? deps.models.speechSource
          : null,
      };
    },
    run: async (ctx) => {
      const { scene, index, lines, fps, transitionSec } = await inputsOf(ctx, deps);
      const label = `scene ${index + 1}`;
      ctx.report({ stage: `${label}: voices`, progress: 2, message: `${lines.length} lines to speak` });
      const spoken = await speakScene({
        lines,
        transitionSec,
        speak: deps.models.speak,
        scratchDir: ctx.scratchDir,
        signal: ctx.signal,
        onLine: (done, total) =>
          ctx.report({
            stage: `${label}: voices`,
            progress: (done / total) * 90,
            message: `spoke line ${done} of ${total}`,
          }),
      });
      const durationSec = shotSeconds(scene.durationSec, spoken.speechEndSec, transitionSec, fps);
      const file = join(ctx.scratchDir, 'voice.wav');
      await writeFile(
        file,
        encodeWav({ samples: sceneTrack(spoken.clips, spoken.lines, durationSec), sampleRate: AUDIO_RATE }),
      );
      const stored = await storeStepFile(ctx as never, deps.store, {
        file,
        kind: 'audio',
        mime: 'audio/wav',
        name: `voice-${index + 1}.wav`,
        durationSec,
      });
      const value: VoiceValue = {
        sha256: stored.sha256,
        durationSec,
        lines: spoken.lines,
        ...(spoken.warnings.length ? { warnings: spoken.warnings } : {}),
      };
      if (spoken.warnings.length)
        ctx.report({ stage: `${label}: voices`, progress: 95, message: spoken.warnings[0]! });
      return {
        outputs: [{ name: 'voice', assetId: stored.assetId, value }],
        // A stand-in voice is not kept: the next render asks the provider again.
        ...(spoken.warnings.length ? { cacheable: false } : {}),
      };
    },
  };
}
