/**
 * Why an action cannot run on this deployment now (no live worker runs it), with a way to ask
 * again at once instead of waiting for the next refresh. Point the button's `aria-describedby` at
 * `id`.
 */
export function UnavailableNote(props: {
  id: string;
  reason: string;
  onRecheck: () => void;
  checking: boolean;
}) {
  return (
    <p id={props.id} className="error small unavailable" role="status">
      {props.reason}{' '}
      <button type="button" className="ghost small" onClick={props.onRecheck} disabled={props.checking}>
        {props.checking ? 'Checking…' : 'Check again'}
      </button>
    </p>
  );
}
