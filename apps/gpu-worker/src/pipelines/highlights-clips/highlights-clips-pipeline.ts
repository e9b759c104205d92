import type { BlobStore } from '@clapboard/server/storage';
import { CLIP_ASPECTS, clipAspectKey } from '@clapboard/shared/highlights';
import type { JobPayload } from '@clapboard/shared/jobs';
import type { Pipeline } from '../../jobs/pipeline';
import { encodeStep } from './encode-step';
import { prepareStep } from './prepare-step';

/** Output order within a clip: by aspect as the catalog lists them, then video, srt, vtt, thumb. */
const SUFFIXES = ['', '-srt', '-vtt', '-thumb'];
const ASPECT_KEYS = CLIP_ASPECTS.map(clipAspectKey);
function outputOrder(name: string): number[] {
  const m = /^clip-(\d+)-(\d+x\d+)(.*)$/.exec(name);
  return m ? [Number(m[1]), ASPECT_KEYS.indexOf(m[2]!), SUFFIXES.indexOf(m[3]!)] : [Number.MAX_SAFE_INTEGER];
}

/**
 * `highlights.clips`: chosen stretches of an analysed lecture as captioned clips. Per clip a
 * `prepare` step (face track, loudness) and an `encode` step of its aspects (see their docs);
 * the job's outputs are every clip's files in clip, aspect order.
 */
export function highlightsClipsPipeline(deps: {
  store: BlobStore;
}): Pipeline<JobPayload<'highlights.clips'>> {
  return {
    type: 'highlights.clips',
    steps: { prepare: prepareStep(deps.store), encode: encodeStep(deps.store) },
    collect: (results) =>
      Object.values(results)
        .flatMap((r) => r.outputs.filter((o) => o.assetId))
        .sort((a, b) => {
          const x = outputOrder(a.name);
          const y = outputOrder(b.name);
          for (let i = 0; i < Math.max(x.length, y.length); i++)
            if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
          return 0;
        }),
  };
}
