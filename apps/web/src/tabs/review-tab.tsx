/** Review is built in a later issue; until then the tab says so instead of pretending. */
export function ReviewTab() {
  return (
    <div className="card empty">
      <h2>Review is coming</h2>
      <p className="muted">
        Scene-by-scene comments and approvals will live here. For now, share the Storyboard and Renders tabs
        with reviewers: they can watch every change live.
      </p>
    </div>
  );
}
