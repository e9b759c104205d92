import { buildEdge } from '../src/edge/build-edge';

/** Builds the edge bundle once for the whole edge run (each file's harness then starts workerd on it). */
export default async function setup() {
  await buildEdge();
}
