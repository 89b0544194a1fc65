import { Link } from 'wouter';
import { ApiRequestError } from '@/lib/api-client';
import type { Worker } from '@/spec/workers-api';
import { useForgetWorker, useSetWorkerDraining, useWorkers } from '../api/workers';
import '../workers.css';

function DrainButton({ worker }: { worker: Worker }) {
  const setDraining = useSetWorkerDraining();
  const draining = worker.draining;
  const label = `${draining ? 'Resume' : 'Drain'} ${worker.host} (pid ${worker.pid})`;
  return (
    <>
      <button
        type="button"
        className="st-button"
        aria-label={label}
        disabled={setDraining.isPending}
        onClick={() => setDraining.mutate({ id: worker.id, draining: !draining })}
      >
        {draining ? 'Resume' : 'Drain'}
      </button>
      {setDraining.error ? (
        <span role="alert">
          {setDraining.error instanceof ApiRequestError && setDraining.error.status === 403 ? 'Only admins can drain workers.' : setDraining.error.message}
        </span>
      ) : null}
    </>
  );
}

/** A stale worker died without deregistering: an admin removes it from the list. */
function ForgetButton({ worker }: { worker: Worker }) {
  const forget = useForgetWorker();
  return (
    <>
      <button
        type="button"
        className="st-button"
        aria-label={`Forget ${worker.host} (pid ${worker.pid})`}
        disabled={forget.isPending}
        onClick={() => forget.mutate(worker.id)}
      >
        Forget
      </button>
      {forget.error ? <span role="alert">{forget.error.message}</span> : null}
    </>
  );
}

/** The processes that run builds: capacity, what each runs, its heartbeat, and drain/resume. */
export default function WorkersPage() {
  const { data, error, isPending } = useWorkers();
  return (
    <section className="workers" aria-labelledby="workers-title">
      <h1 id="workers-title">Workers</h1>
      {error ? (
        <p role="alert">The workers could not be loaded: {error.message}</p>
      ) : isPending ? (
        <p role="status">Loading…</p>
      ) : data.items.length === 0 ? (
        <p role="status">No process runs builds right now.</p>
      ) : (
        <table aria-label="Workers">
          <thead>
            <tr>
              <th scope="col">Host</th>
              <th scope="col">PID</th>
              <th scope="col">State</th>
              <th scope="col">Running</th>
              <th scope="col">Last heartbeat</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((worker) => (
              <tr key={worker.id}>
                <td>{worker.host}</td>
                <td>{worker.pid}</td>
                <td data-state={worker.state}>{worker.state}</td>
                <td>
                  {worker.running.length} of {worker.capacity}
                  {worker.running.map((id) => (
                    <Link key={id} href={`/builds/${encodeURIComponent(id)}`} className="workers__build">
                      {id.slice(0, 8)}
                    </Link>
                  ))}
                </td>
                <td>
                  <time dateTime={worker.lastHeartbeatAt}>{Math.round(worker.secondsSinceHeartbeat)} s ago</time>
                </td>
                <td>{worker.state === 'stale' ? <ForgetButton worker={worker} /> : <DrainButton worker={worker} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
