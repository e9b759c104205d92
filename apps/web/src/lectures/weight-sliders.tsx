import { DEFAULT_SIGNAL_WEIGHTS, type LectureSteering, SIGNALS } from '@clapboard/shared/highlights';
import type * as Y from 'yjs';
import { SIGNAL_INFO } from './signal-labels';
import { resetWeights, setWeight } from './steering-doc';

/**
 * One slider per signal, writing the lecture's weights in the project document: every member's
 * ranking follows at once, without running any model again.
 */
export function WeightSliders(props: {
  doc: Y.Doc;
  lectureId: string;
  steering: LectureSteering;
  canWrite: boolean;
}) {
  const { weights } = props.steering;
  return (
    <fieldset className="weight-sliders" disabled={!props.canWrite}>
      <legend>Weights (shared with the team)</legend>
      {SIGNALS.map((signal) => {
        const value = weights[signal] ?? DEFAULT_SIGNAL_WEIGHTS[signal];
        const info = SIGNAL_INFO[signal];
        return (
          <label key={signal} className="weight" title={info.hint}>
            <span className="swatch" style={{ background: info.color }} />
            <span className="grow">{info.label}</span>
            <input
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={value}
              aria-label={`${info.label} weight`}
              onChange={(e) => setWeight(props.doc, props.lectureId, signal, Number(e.target.value))}
            />
            <output className="small muted">{value.toFixed(2)}</output>
          </label>
        );
      })}
      <button type="button" className="ghost small" onClick={() => resetWeights(props.doc, props.lectureId)}>
        Reset to defaults
      </button>
    </fieldset>
  );
}
