/**
 * Speed comparison — mirrors the asyncio guide's "sequential vs concurrent vs threads" downloads. A local HTTP
 * server (127.0.0.1, each response after 100 ms) starts on mount and stops on unmount. Twenty requests are made one
 * after the other, all at once with `gather`, or through `toThread` in a pool of 4 threads (asyncio's
 * `run_in_executor`). Each run is a cancellable task; the table fills in live: requests done, time, speed-up.
 */
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineApp, ui } from '../app';
import { state } from '../reactive';
import { createThreadPool, gather, isCancelledError, toDisposable, toThread, type Task } from '../runtime';

export const REQUESTS = 20;
export const LATENCY_MS = 100;
const THREADS = 4;

/** One GET on this thread; a cancelled task's request is aborted and rejects with the task's CancelledError. */
function fetchText(url: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => reject(signal.aborted ? signal.reason : error);
    const request = get(url, { agent: false, signal }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
      response.on('error', fail);
    });
    request.on('error', fail);
  });
}

/** One GET in a worker thread. Sent to the worker as source, so it uses nothing from this module. */
async function fetchInThread(url: string): Promise<string> {
  const response = await fetch(url);
  return response.text();
}

interface Row {
  readonly title: string;
  done: number;
  ms: number | undefined;
  state: string;
}

export default defineApp({
  id: 'speed-comparison',
  title: 'Speed comparison',
  setup(app) {
    const url = state<string | null>(null);
    const running = state<readonly Task[]>([]);
    const pool = createThreadPool({ maxThreads: THREADS, name: 'speed-comparison' });
    app.own(toDisposable(() => void pool.dispose()));
    const rows: Row[] = ['sequential (one by one)', 'concurrent (gather)', `threads (toThread, ${THREADS} at a time)`].map((title) => ({ title, done: 0, ms: undefined, state: '' }));
    const table = ui.table({
      id: 'results',
      columns: [{ key: 'mode', title: 'Mode' }, { key: 'done', title: 'Requests', align: 'end' }, { key: 'ms', title: 'Time', align: 'end' }, { key: 'ratio', title: 'vs sequential', align: 'end' }],
      rows: rows.map(() => ['', '', '', '']),
      height: 120,
    });
    const show = (i: number) => {
      const row = rows[i];
      const sequential = rows[0].state === 'done' ? rows[0].ms : undefined;
      const ratio = row.state === 'done' && sequential !== undefined && row.ms ? `${(sequential / row.ms).toFixed(1)}× faster` : row.state;
      table.patch(i, [row.title, `${row.done}/${REQUESTS}`, row.ms === undefined ? '' : `${Math.round(row.ms)} ms`, ratio]);
    };
    rows.forEach((_, i) => show(i));

    const measure = (i: number, requests: (url: string, done: () => void, task: Task) => Promise<unknown>) => async (_click: unknown, task: Task) => {
      const row = rows[i];
      const started = app.clock.now();
      const tick = () => {
        row.ms = app.clock.now() - started;
        show(i);
      };
      [row.done, row.state] = [0, 'running…'];
      running.value = [...running.value, task];
      try {
        const done = () => {
          row.done++;
          tick();
        };
        await requests(url.value as string, done, task);
        row.state = 'done';
        rows.forEach((_, j) => show(j)); // the ratios of the others may change too
      } catch (error) {
        if (isCancelledError(error)) row.state = 'cancelled';
        throw error;
      } finally {
        tick();
        running.value = running.value.filter((t) => t !== task);
      }
    };
    /** All requests at once, each a task of one `gather`. */
    const allAtOnce = (request: (url: string, task: Task) => Promise<unknown>) => async (url: string, done: () => void) => {
      await gather(Array.from({ length: REQUESTS }, () => async (t: Task) => {
        await request(url, t);
        done();
      }));
    };
    const button = (id: string, label: string, run: ReturnType<typeof measure>) =>
      ui.button({ id, label, policy: 'drop', busy: true, disabled: () => url.value === null || running.value.length > 0, onClick: run });

    return ui.column(
      {
        gap: 8,
        onMount: () => {
          const server = createServer((_request, response) => {
            const timer = setTimeout(() => response.end('ok'), LATENCY_MS);
            response.on('close', () => clearTimeout(timer));
          });
          server.listen(0, '127.0.0.1', () => (url.value = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`));
          return () => {
            url.value = null;
            server.close();
            server.closeAllConnections();
          };
        },
      },
      [
        ui.text({ id: 'server', variant: 'caption', text: () => (url.value === null ? 'starting the server…' : `server: ${url.value} (${LATENCY_MS} ms per response)`) }),
        ui.row({}, [
          button('sequential', 'Sequential', measure(0, async (url, done, task) => {
            for (let n = 0; n < REQUESTS; n++) {
              await fetchText(url, task.signal);
              done();
            }
          })),
          button('concurrent', 'Concurrent', measure(1, allAtOnce((url, t) => fetchText(url, t.signal)))),
          button('threads', 'Threads', measure(2, allAtOnce((url) => toThread(fetchInThread, [url], { pool })))),
          ui.button({ id: 'cancel', label: 'Cancel', appearance: 'secondary', disabled: () => running.value.length === 0, onClick: () => running.value.forEach((t) => t.cancel('cancelled by the user')) }),
        ]),
        table,
      ],
    );
  },
});
