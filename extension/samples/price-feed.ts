/**
 * Price feed — mirrors Reflect's live ticker, offline. On mount a local WebSocket server (127.0.0.1, a free port)
 * pushes random-walk prices for three symbols every 200 ms; the app's client reads them, patching one table row
 * per symbol and streaming a line chart with rollover. When the connection drops ("Drop connection" makes the
 * server kill it) the client reconnects with exponential backoff, and the badge says "reconnecting in N s".
 * Server and client are tasks of the app's root: they end when it is unmounted or the app closes.
 */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { defineApp, ui } from '../app';
import { state } from '../reactive';
import { openTaskGroup, sleep, type Task } from '../runtime';

const SYMBOLS = ['SIMU', 'ASYN', 'TRIO'] as const;
const PUSH_MS = 200;
/** The first reconnect waits this long; each failed attempt doubles it, up to {@link MAX_BACKOFF_MS}. */
export const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8000;

type Prices = Record<(typeof SYMBOLS)[number], number>;
type Status = { readonly text: string; readonly tone: 'success' | 'warning' | 'info' };

export default defineApp({
  id: 'price-feed',
  title: 'Price feed',
  setup(app) {
    const status = state<Status>({ text: 'starting', tone: 'info' });
    const messages = state(0);
    const reconnects = state(0);
    let server: { drop(): void } | undefined;
    const t0 = app.clock.now();
    const first: Partial<Prices> = {};

    const table = ui.table({
      id: 'prices',
      columns: [{ key: 'symbol', title: 'Symbol' }, { key: 'price', title: 'Price', align: 'end' }, { key: 'change', title: 'Change', align: 'end' }, { key: 'ticks', title: 'Ticks', align: 'end' }],
      rows: SYMBOLS.map((s) => [s, '—', '—', 0]),
      height: 120,
    });
    const chart = ui.lineChart({ id: 'chart', title: 'Prices', series: SYMBOLS.map((name) => ({ name })), height: 220 });

    const received = (prices: Prices) => {
      messages.value++;
      SYMBOLS.forEach((symbol, row) => {
        const price = prices[symbol];
        first[symbol] ??= price;
        table.patch(row, [symbol, price.toFixed(2), `${(((price - first[symbol]) / first[symbol]) * 100).toFixed(2)} %`, messages.value]);
      });
      chart.push((app.clock.now() - t0) / 1000, SYMBOLS.map((s) => prices[s]), { limit: 300 });
    };

    /** Connects, reads until the connection ends, then waits (doubling the wait after each failure) and connects again. */
    const client = async (url: string, task: Task) => {
      let connections = 0;
      const connected = () => {
        if (++connections > 1) reconnects.value++;
        status.value = { text: 'connected', tone: 'success' };
      };
      for (let failures = 0; ; ) {
        const opened = await readOnce(url, task, connected, received);
        failures = opened ? 0 : failures + 1;
        let left = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** failures);
        while (left > 0) {
          status.value = { text: `reconnecting in ${Math.ceil(left / 1000)} s`, tone: 'warning' };
          const step = left % 1000 || 1000;
          await sleep(step);
          left -= step;
        }
        status.value = { text: 'connecting', tone: 'info' };
      }
    };

    const feed = async () => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await new Promise((resolve, reject) => wss.once('listening', resolve).once('error', reject));
      server = { drop: () => wss.clients.forEach((socket) => socket.terminate()) };
      const prices: Prices = { SIMU: 100, ASYN: 50, TRIO: 20 };
      try {
        await openTaskGroup(
          (group) => {
            group.startSoon(async () => {
              for (;;) {
                await sleep(PUSH_MS);
                for (const s of SYMBOLS) prices[s] *= 1 + (Math.random() - 0.5) / 50;
                for (const socket of wss.clients) socket.send(JSON.stringify(prices));
              }
            }, 'price server: push every 200 ms');
            group.startSoon((t) => client(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, t), 'price client');
          },
          { name: 'price feed' },
        );
      } finally {
        server = undefined;
        wss.clients.forEach((socket) => socket.terminate());
        await new Promise((resolve) => wss.close(resolve));
      }
    };

    return ui.column(
      {
        gap: 8,
        // A service of the root: it runs until the root is unmounted (settled() in tests does not wait for it).
        onMount: (root) => void root.startSoon(feed, 'price feed'),
      },
      [
        ui.row({}, [
          ui.badge({ id: 'status', text: () => status.value.text, tone: () => status.value.tone }),
          ui.text({ id: 'stats', variant: 'caption', text: () => `${messages.value} messages, ${reconnects.value} reconnects` }),
          ui.button({ id: 'drop', label: 'Drop connection', appearance: 'secondary', disabled: () => status.value.text !== 'connected', onClick: () => server?.drop() }),
        ]),
        table,
        chart,
      ],
    );
  },
});

/**
 * One connection: resolves once it has ended (with whether it ever opened); ends it at once when `task` is
 * cancelled, rejecting with the cancellation.
 */
function readOnce(url: string, task: Task, onOpen: () => void, onPrices: (prices: Prices) => void): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let opened = false;
    const socket = new WebSocket(url);
    const cancel = () => socket.terminate();
    task.signal.addEventListener('abort', cancel, { once: true });
    socket.on('open', () => {
      opened = true;
      onOpen();
    });
    socket.on('message', (data) => onPrices(JSON.parse(String(data)) as Prices));
    socket.on('error', () => {}); // 'close' follows, and decides
    socket.on('close', () => {
      task.signal.removeEventListener('abort', cancel);
      if (task.signal.aborted) reject(task.signal.reason);
      else resolve(opened);
    });
  });
}
