import { leafAt, rebaseLeaves, withLeaf } from '@clapboard/shared/field-merge';
import { useEffect, useState } from 'react';
import type { ZodType } from 'zod';
import { changedSince } from '../components/edit-conflicts';
import { useToasts } from './toasts';

/** A record colleagues edit through a form: its id and when it last changed. */
interface Edited {
  id: string;
  updatedAt: string;
}

/**
 * A form over a record several people edit at once (a brief, a brand kit). Keeps `base`, the record
 * as last read, which a save is compared with (send the leaves changed since, with `base`'s values,
 * see shared/field-merge). `rebase(current)` moves the form onto a newer copy (a refused save's
 * answer, the saved record, or a refetch, which it follows by itself): leaves not changed here
 * take the colleague's values, leaves changed here stay, and leaves both changed are `conflicts`
 * (dotted path → theirs) until saved, taken (`takeTheirs`) or set back to theirs.
 *
 * `onSaveError` reads a save's refusal (409 with the record now) and rebases onto it.
 *
 * @param record the server's copy (null while creating: nothing to merge)
 * @param schema the record's shared schema (to read the copy a refusal carries)
 * @param noun what it is, in words: "brief", "kit"
 * @param formOf the form of a record
 * @param mine the form as it is now
 * @param fill puts a form in the fields
 */
export function useCoEditing<R extends Edited, F extends object>(opts: {
  record: R | null;
  schema: ZodType<R>;
  noun: string;
  formOf: (r: R) => F;
  mine: F;
  fill: (form: F) => void;
}) {
  const { record, formOf, mine, fill } = opts;
  const toasts = useToasts();
  const [base, setBase] = useState<R | null>(record);
  const [conflicts, setConflicts] = useState<Record<string, unknown>>({});

  /** Moves the form onto `current`; `saved` when it is this person's own save. Returns how many leaves clash. */
  const rebase = (current: R, saved = false): number => {
    if (!base) {
      setBase(current);
      return 0;
    }
    const now = formOf(current);
    const r = rebaseLeaves(mine, formOf(base), now);
    fill(r.merged);
    setBase(current);
    setConflicts((old) => {
      if (saved) return {};
      const kept = Object.fromEntries(
        Object.entries(old).filter(
          ([path]) => JSON.stringify(leafAt(r.merged, path)) !== JSON.stringify(leafAt(now, path)),
        ),
      );
      return { ...kept, ...r.conflicts };
    });
    return Object.keys(r.conflicts).length;
  };

  // A newer copy from a refetch (a colleague saved, an upload): merge it in.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a newer server copy moves the form
  useEffect(() => {
    if (record && base && record.id === base.id && record.updatedAt > base.updatedAt) rebase(record);
  }, [record?.updatedAt]);

  /** Puts the colleague's value of a clashing leaf in the form. */
  const takeTheirs = (path: string) => {
    fill(withLeaf(mine, path, conflicts[path]));
    setConflicts(({ [path]: _, ...rest }) => rest);
  };

  /** A save's error: a refusal (a colleague changed a field since) moves the form onto their copy. */
  const onSaveError = (err: Error) => {
    const changed = changedSince(err, opts.schema);
    if (changed && rebase(changed.current) === 0)
      toasts.push(
        'info',
        `A colleague saved this ${opts.noun} meanwhile: their changes are in the form. Save again.`,
      );
  };
  /** Whether a save's error is such a refusal (the conflicts say it; no other error text is due). */
  const isRefusal = (err: unknown) => changedSince(err, opts.schema) !== null;

  return { base, rebase, conflicts, takeTheirs, onSaveError, isRefusal };
}
