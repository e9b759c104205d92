export { loadProjectScene } from './load-project-scene';
export { sceneFramePipeline } from './scene-frame';
export { type SceneFramesParams, sceneFramesStep, variationSeeds } from './scene-frames-step';
export { sceneVariationsPipeline } from './scene-variations';
