import { writeFile } from 'node:fs/promises';
import { composeFrame } from './src/pipelines/render/compose-frame';
import { renderShot } from './src/pipelines/render/render-shot';
import { assembleVideo } from './src/pipelines/render/assemble-video';
import { mixSoundtrack, loopMusic, layDialogue } from './src/pipelines/render/mix-soundtrack';
import { synthesizeMusic, musicStyleFor } from './src/pipelines/render/synthesize-music';
const png = await composeFrame({ width: 480, height: 854, shot: 'medium', look: { setting: null, timeOfDay: null }, heading: '', caption: '', characters: [] });
await writeFile('/tmp/dbg/f.png', png);
for (const [i, d] of [[0, 2], [1, 1.5]]) await renderShot({ frame: '/tmp/dbg/f.png', out: `/tmp/dbg/s${i}.mp4`, width: 480, height: 854, fps: 24, durationSec: d, camera: 'static', keyframesAt: [], encoder: 'libx264', quality: { preset: 'veryfast', crf: 23 }, scratchDir: '/tmp/dbg' });
const total = 3.5;
await mixSoundtrack({ dialogue: layDialogue([new Float32Array(2*48000)], [0], total), music: loopMusic(synthesizeMusic(musicStyleFor('calm')), total), out: '/tmp/dbg/sound.m4a', scratchDir: '/tmp/dbg' });
try { await assembleVideo({ shots: [{file:'/tmp/dbg/s0.mp4', durationSec: 2}, {file:'/tmp/dbg/s1.mp4', durationSec: 1.5}], transition: 'cut', transitionSec: 0, fps: 24, soundtrack: '/tmp/dbg/sound.m4a', out: '/tmp/dbg/final.mp4', encoder: 'libx264', quality: { preset: 'veryfast', crf: 23 }, scratchDir: '/tmp/dbg' }); console.log('ok'); } catch (e) { console.log((e as any).message, (e as any).stderr?.slice(-2500)); }
