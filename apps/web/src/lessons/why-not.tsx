import { UnavailableNote } from '../components/unavailable-note';
import { ApiError } from '../lib/api-client';
import { isCapabilityMissing } from '../lib/submit-job';

/**
 * Why a lesson action cannot run, under its disabled button (`id` for its aria-describedby): the
 * server's reason when no worker runs the job type (with "Check again"), else what the lesson
 * lacks; and the error of the last attempt, unless it only repeated the unavailability.
 */
export function WhyNot(props: {
  id: string;
  unavailable: string | null;
  blocker: string | null;
  onRecheck: () => void;
  checking: boolean;
  error: unknown;
  /** Said when the error carries no message of the server's. */
  failed: string;
}) {
  const { error } = props;
  return (
    <>
      {props.unavailable ? (
        <UnavailableNote
          id={props.id}
          reason={props.unavailable}
          onRecheck={props.onRecheck}
          checking={props.checking}
        />
      ) : (
        props.blocker && (
          <p id={props.id} className="error small" role="status">
            {props.blocker}
          </p>
        )
      )}
      {error && !(isCapabilityMissing(error) && props.unavailable) ? (
        <p className="error small" role="alert">
          {error instanceof ApiError ? error.message : props.failed}
        </p>
      ) : null}
    </>
  );
}
