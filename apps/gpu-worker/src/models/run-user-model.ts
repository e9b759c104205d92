import type { TensorSpec } from '@clapboard/shared/models';
import type { Tensor } from 'onnxruntime-node';
import type { UserModel } from './load-user-models';
import type { Feeds, ModelRegistry, Outputs } from './model-registry';

/** Inputs that do not match the manifest: bad input, so jobs fail without retry. */
export class ModelInputError extends Error {
  override name = 'ModelInputError';
}

function checkTensor(spec: TensorSpec, tensor: Tensor | undefined, role: string): void {
  if (!tensor) throw new ModelInputError(`${role} "${spec.name}" is missing.`);
  if (tensor.type !== spec.dtype)
    throw new ModelInputError(`${role} "${spec.name}" must be ${spec.dtype}, got ${tensor.type}.`);
  if (tensor.dims.length !== spec.shape.length)
    throw new ModelInputError(
      `${role} "${spec.name}" must have rank ${spec.shape.length}, got ${tensor.dims.length}.`,
    );
  spec.shape.forEach((d, i) => {
    if (typeof d === 'number' && tensor.dims[i] !== d)
      throw new ModelInputError(`${role} "${spec.name}" dimension ${i} must be ${d}, got ${tensor.dims[i]}.`);
  });
}

/**
 * The generic runner for user models: checks feeds against the manifest's declared inputs (names,
 * dtypes, fixed dimensions), runs through the registry, and checks the declared outputs came back.
 *
 * @throws ModelInputError for feeds that do not match, or a model whose outputs do not match its manifest
 */
export async function runUserModel(
  registry: ModelRegistry,
  model: UserModel,
  feeds: Feeds,
): Promise<Outputs> {
  for (const spec of model.manifest.inputs) checkTensor(spec, feeds[spec.name], 'Input');
  const out = await registry.run(model.manifest.name, feeds);
  for (const spec of model.manifest.outputs) {
    const tensor = out[spec.name];
    if (!tensor)
      throw new ModelInputError(`Model "${model.manifest.name}" did not return output "${spec.name}".`);
    if (tensor.type !== spec.dtype)
      throw new ModelInputError(`Output "${spec.name}" is ${tensor.type}, manifest says ${spec.dtype}.`);
  }
  return out;
}
