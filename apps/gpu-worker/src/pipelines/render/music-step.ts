import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepDefinition } from '../../jobs/pipeline';
import { encodeWav } from '../../media/encode-wav';
import { AUDIO_RATE } from './mix-soundtrack';
import { readPcm } from './pcm-wav';
import type { RenderDeps, RenderParams, RenderStepContext } from './render-context';
import { loadRenderDocument } from './render-document';
import { fetchAsset, projectAsset, storeStepFile } from './step-files';
import { musicStyleFor, synthesizeMusic } from './synthesize-music';

async function inputsOf(ctx: RenderStepContext) {
  const doc = await loadRenderDocument(ctx.sql, ctx.jobId);
  const track = doc.musicAssetId ? await projectAsset(ctx as never, doc.musicAssetId) : null;
  return { doc, track: track?.kind === 'audio' || track?.kind === 'video' ? track : null };
}

/**
 * Music step: the project's uploaded track when settings name one (decoded to 48 kHz mono),
 * otherwise a loopable bed synthesized for the mood in the music prompt.
 */
export function musicStep(deps: RenderDeps): StepDefinition<RenderParams> {
  return {
    version: 1,
    cacheInput: async (ctx) => {
      const { doc, track } = await inputsOf(ctx);
      return track ? { track: track.sha256 } : { style: musicStyleFor(doc.settings.musicPrompt) };
    },
    run: async (ctx) => {
      const { doc, track } = await inputsOf(ctx);
      const file = join(ctx.scratchDir, 'music.wav');
      let source: string;
      if (track) {
        ctx.report({ stage: 'music: decoding the chosen track', progress: 20 });
        const original = join(ctx.scratchDir, 'track');
        await fetchAsset(ctx as never, deps.store, doc.musicAssetId!, original);
        const pcm = await readPcm(original, ctx.scratchDir, { sampleRate: AUDIO_RATE, signal: ctx.signal });
        await writeFile(file, encodeWav({ samples: pcm, sampleRate: AUDIO_RATE }));
        source = 'upload';
      } else {
        const style = musicStyleFor(doc.settings.musicPrompt);
        ctx.report({ stage: `music: composing a ${style.mood} bed`, progress: 20 });
        await writeFile(
          file,
          encodeWav({ samples: synthesizeMusic(style, AUDIO_RATE), sampleRate: AUDIO_RATE }),
        );
        source = `synthesized:${style.mood}`;
      }
      const stored = await storeStepFile(ctx as never, deps.store, {
        file,
        kind: 'audio',
        mime: 'audio/wav',
        name: 'music.wav',
      });
      return {
        outputs: [{ name: 'music', assetId: stored.assetId, value: { sha256: stored.sha256, source } }],
      };
    },
  };
}
