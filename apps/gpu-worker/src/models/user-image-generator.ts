import type { ImageGenerator } from '../providers/task-interfaces';
import { generateImage } from './generate-image';
import type { UserModel } from './load-user-models';
import type { ModelRegistry } from './model-registry';

/**
 * A text-to-image user model (MODELS_DIR) as the pipelines' image generator. The picture comes
 * out at the model's own size; callers scale it to the frame. A run cannot be interrupted, so the
 * signal is checked before and after it.
 *
 * @throws ModelInputError when the model's inputs or outputs do not match its manifest
 */
export function userImageGenerator(registry: ModelRegistry, model: UserModel): ImageGenerator {
  return {
    source: `${model.manifest.name}@${model.manifest.version} (user model)`,
    async generate(prompt, options = {}) {
      options.signal?.throwIfAborted();
      const out = await generateImage(registry, model, prompt, { seed: options.seed });
      options.signal?.throwIfAborted();
      return out.png;
    },
  };
}
