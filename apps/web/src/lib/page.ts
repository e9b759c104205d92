/** One page of a cursor-paginated API list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
