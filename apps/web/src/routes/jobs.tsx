export function JobsPage() {
  return (
    <section>
      <h1>Job history</h1>
      <p className="muted">
        Renders, frame generations and exports across your projects appear here as they run.
      </p>
    </section>
  );
}
