import type { ZodType } from 'zod';
import { ApiError } from '../lib/api-client';

/**
 * A refused save of a record colleagues edit at once (a brief, a brand kit): the 409 whose
 * `details` name the fields changed since they were read and carry the record as it is now,
 * read through the record's shared schema; null for any other error.
 */
export function changedSince<T>(err: unknown, schema: ZodType<T>): { fields: string[]; current: T } | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const details = err.details as { fields?: unknown; current?: unknown } | undefined;
  const current = schema.safeParse(details?.current);
  if (!current.success || !Array.isArray(details?.fields)) return null;
  return { fields: details.fields.map(String), current: current.data };
}

/**
 * The fields both this person and a colleague changed, with the colleague's value and a button to
 * take it; this person's value stays in the form until they choose (saving keeps it).
 */
export function EditConflicts(props: {
  /** What is edited, as the sentence names it: "brief", "kit". */
  record: string;
  /** What one item is: "field", "setting". */
  unit: string;
  items: Array<{ key: string; label: string; theirs: string }>;
  onTake: (key: string) => void;
  testId?: string;
}) {
  const { items, unit } = props;
  if (items.length === 0) return null;
  return (
    <div className="warning-box" role="alert" data-testid={props.testId}>
      <p>
        A colleague changed this {props.record} while you were editing. Their other changes are in the form
        now; you both changed {items.length === 1 ? `this ${unit}` : `these ${unit}s`} — yours is kept until
        you choose:
      </p>
      <ul>
        {items.map((i) => (
          <li key={i.key}>
            <strong>{i.label}</strong>: theirs is {i.theirs}{' '}
            <button type="button" className="ghost small" onClick={() => props.onTake(i.key)}>
              Take theirs ({i.label})
            </button>
          </li>
        ))}
      </ul>
      <p className="muted small">Saving keeps yours for every {unit} still listed.</p>
    </div>
  );
}
