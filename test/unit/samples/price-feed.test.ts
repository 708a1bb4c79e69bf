import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Harness } from '../../../extension/app/testing';
import priceFeed from '../../../extension/samples/price-feed';
import { closeAndCheck, liveHandles, open, text, waitUntil } from './support';

const rows = (h: Harness) => h.props('prices').rows as (string | number)[][];
const messages = (h: Harness) => Number(/^(\d+) messages/.exec(text(h, 'stats'))?.[1]);
const pricesShown = (h: Harness) => rows(h).every((r) => /^\d+\.\d\d$/.test(String(r[1])));

describe('sample: price-feed', () => {
  test('prices stream in; after a dropped connection the client reconnects with backoff and prices keep arriving', async (t) => {
    const before = liveHandles();
    const h = await open(t, priceFeed);
    await waitUntil(h, 'the client to connect and show prices', () => text(h, 'status') === 'connected' && pricesShown(h) && messages(h) >= 2);
    assert.equal(h.props('status').tone, 'success');
    assert.deepEqual(rows(h).map((r) => r[0]), ['SIMU', 'ASYN', 'TRIO'], 'one row per symbol, patched in place');
    assert.equal((h.props('chart').x as Float64Array).length, messages(h), 'one chart point per message');
    assert.ok(h.app.tasks().some((task) => task.name === 'price client'));
    assert.ok(h.app.tasks().some((task) => task.name === 'price server: push every 200 ms'));

    const statuses = h.record('status', 'text');
    h.click('drop');
    await waitUntil(h, 'the client to reconnect', () => text(h, 'stats').endsWith('1 reconnects') && text(h, 'status') === 'connected');
    assert.deepEqual(statuses.slice(0, 4), ['connected', 'reconnecting in 1 s', 'connecting', 'connected'], 'the badge said what happened');
    const atReconnect = messages(h);
    const pricesAtReconnect = JSON.stringify(rows(h));
    await waitUntil(h, 'prices after the reconnect', () => messages(h) >= atReconnect + 3);
    assert.notEqual(JSON.stringify(rows(h)), pricesAtReconnect, 'the prices moved on');
    assert.deepEqual(h.errors, []);
    await closeAndCheck(h, before);
  });

  test('closing while the client waits to reconnect ends the server, the client and their timers', async (t) => {
    const before = liveHandles();
    const h = await open(t, priceFeed);
    await waitUntil(h, 'the client to connect', () => text(h, 'status') === 'connected');
    h.click('drop');
    await waitUntil(h, 'the client to wait for its reconnect', () => text(h, 'status').startsWith('reconnecting'));
    await closeAndCheck(h, before);
    assert.deepEqual(h.errors, []);
  });

  test('closing at once, before the server listens, leaves nothing either', async (t) => {
    const before = liveHandles();
    const h = await open(t, priceFeed);
    await closeAndCheck(h, before);
    assert.deepEqual(h.errors, []);
  });
});
