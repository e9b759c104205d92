/** The edge entry's Node-side tools: build the workerd bundle and run it (npm run dev:edge, tests). */
export { buildEdge, EDGE_BUNDLE } from './build-edge';
export {
  EDGE_COMPATIBILITY_DATE,
  type RunningWorkerd,
  startWorkerd,
  type WorkerdOptions,
  workerdConfig,
} from './workerd';
