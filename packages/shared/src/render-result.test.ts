import { describe, expect, it } from 'vitest';
import { renderScenes, renderVideoValueSchema } from './render-result';

const base = {
  versionId: '22222222-2222-4222-8222-222222222222',
  durationSec: 7.5,
  width: 640,
  height: 360,
  fps: 24,
  shots: [3, 5],
  transitionSec: 0.5,
  loudness: { gainDb: -1 },
};

describe('render result', () => {
  it('a render assembled before spans were recorded gets them laid out from its shots', () => {
    const value = renderVideoValueSchema.parse(base);
    // Shot 2 starts where shot 1's transition starts: 3 − 0.5 = 2.5 s = frame 60; the film is 180 frames.
    expect(renderScenes(value)).toEqual([
      { sceneId: null, heading: 'Scene 1', startFrame: 0, endFrame: 60 },
      { sceneId: null, heading: 'Scene 2', startFrame: 60, endFrame: 180 },
    ]);
    expect(value.loudness).toEqual({ gainDb: -1 });
  });

  it('recorded spans are used as they are', () => {
    const scenes = [{ sceneId: 's1', heading: 'INT. A', startFrame: 0, endFrame: 180 }];
    expect(renderScenes(renderVideoValueSchema.parse({ ...base, scenes }))).toEqual(scenes);
  });
});
