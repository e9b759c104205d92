import type { SpendRow } from '@clapboard/shared/campaigns';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { formatTime, formatUsd } from '../lib/format';
import { type OrgKind, useSpend } from './use-org';

function RowsTable({ caption, rows, who }: { caption: string; rows: SpendRow[]; who: string }) {
  return (
    <table className="table small">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{who}</th>
          <th scope="col">Spent</th>
          <th scope="col">Estimated</th>
          <th scope="col">Jobs</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={4} className="muted">
              Nothing spent in this range.
            </td>
          </tr>
        )}
        {rows.map((r) => (
          <tr key={r.id ?? r.name}>
            <td>{r.id ? r.name : `${r.name} (former member)`}</td>
            <td>{formatUsd(r.spentUsd)}</td>
            <td className={r.spentUsd > r.estimatedUsd ? 'error' : 'muted'}>{formatUsd(r.estimatedUsd)}</td>
            <td>{r.jobs}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Spend per day as bars (a day's height against the range's busiest day). */
function DayBars({ days }: { days: Array<{ day: string; spentUsd: number }> }) {
  const max = Math.max(0, ...days.map((d) => d.spentUsd));
  return (
    <ol className="day-bars" aria-label="Spend by day">
      {days.map((d) => (
        <li
          key={d.day}
          title={`${d.day}: ${formatUsd(d.spentUsd)}`}
          aria-label={`${d.day}: ${formatUsd(d.spentUsd)}`}
        >
          <span
            className="bar"
            style={{ height: `${max > 0 ? Math.max(2, (d.spentUsd / max) * 100) : 2}%` }}
          />
        </li>
      ))}
    </ol>
  );
}

/**
 * Spend of a client or a campaign over a range of days (the last 30 by default): the total, by
 * campaign (a client's), by member who started the jobs, by day, and the jobs whose actual cost
 * passed their estimate by more than 20 %.
 */
export function SpendReport({ kind, id }: { kind: OrgKind; id: string }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const spend = useSpend(kind, id, { from: from || undefined, to: to || undefined });
  const r = spend.data;
  return (
    <section className="card spend-report" aria-labelledby={`${kind}-spend-title`}>
      <h2 id={`${kind}-spend-title`}>Spend</h2>
      <div className="row wrap filters">
        <label htmlFor={`${kind}-spend-from`}>
          From
          <input
            id={`${kind}-spend-from`}
            type="date"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
        </label>
        <label htmlFor={`${kind}-spend-to`}>
          To
          <input id={`${kind}-spend-to`} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      {spend.isPending && <p className="muted">Loading spend…</p>}
      {spend.error && (
        <p className="error" role="alert">
          {spend.error.message}
        </p>
      )}
      {r && (
        <>
          <p>
            <strong data-testid="spend-total">{formatUsd(r.totalUsd)}</strong> spent from {r.from} to {r.to}{' '}
            <span className="muted small">(days in {r.timezone})</span>
          </p>
          <DayBars days={r.byDay} />
          {kind === 'client' && (
            <>
              <h3>By campaign</h3>
              <RowsTable caption="Spend by campaign" rows={r.byCampaign} who="Campaign" />
            </>
          )}
          <h3>By member</h3>
          <RowsTable caption="Spend by member" rows={r.byMember} who="Member" />
          <h3>Cost alerts</h3>
          {r.varianceAlerts.length === 0 ? (
            <p className="muted small">No job cost more than 20 % over its estimate.</p>
          ) : (
            <ul className="plain variance-alerts" aria-label="Cost alerts">
              {r.varianceAlerts.map((a) => (
                <li key={a.jobId} className="small">
                  <span className="badge warning">
                    +{Math.round((a.actualUsd / Math.max(a.estimateUsd, 1e-9) - 1) * 100)} %
                  </span>{' '}
                  {a.type}: estimated {formatUsd(a.estimateUsd)}, cost {formatUsd(a.actualUsd)} ·{' '}
                  {formatTime(a.at)} ·{' '}
                  <Link
                    to="/projects/$projectId/$tab"
                    params={{
                      projectId: a.projectId,
                      tab: a.type === 'render.variants' ? 'variants' : 'renders',
                    }}
                  >
                    Open project
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
