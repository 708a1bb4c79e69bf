import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEMO_PROTOCOL_VERSION,
  MAX_MESSAGE_CHARS,
  validateDemoToHost,
  validateDemoToWebview,
} from '../../../extension/protocol/demo-protocol';

const v = DEMO_PROTOCOL_VERSION;

function refusal(result: { ok: boolean; error?: string }): string {
  assert.equal(result.ok, false, 'the message was accepted');
  return result.error ?? '';
}

describe('messages from a webview', () => {
  test('a ready message is accepted', () => {
    assert.deepEqual(validateDemoToHost({ type: 'ready', v }), { ok: true, message: { type: 'ready', v } });
  });

  test('a click keeps only the fields the protocol defines', () => {
    const result = validateDemoToHost({ type: 'click', v, seq: 3, extra: 'ignored' });
    assert.deepEqual(result, { ok: true, message: { type: 'click', v, seq: 3 } });
  });

  test('something that is not an object is refused, naming what it was', () => {
    assert.match(refusal(validateDemoToHost('click')), /expected a message object, got string "click"/);
    assert.match(refusal(validateDemoToHost(null)), /got null/);
    assert.match(refusal(validateDemoToHost([1])), /got an array/);
  });

  test('another protocol version is refused with a way out', () => {
    assert.match(refusal(validateDemoToHost({ type: 'ready', v: 99 })), /protocol version number 99 is not supported .*reload the view/);
  });

  test('an unknown type is refused and the known ones are listed', () => {
    assert.match(refusal(validateDemoToHost({ type: 'explode', v })), /unknown message type "explode" \(expected 'ready' or 'click'\)/);
  });

  test('a click without a valid sequence number is refused', () => {
    for (const seq of [undefined, -1, 1.5, '2', Number.MAX_VALUE]) {
      assert.match(refusal(validateDemoToHost({ type: 'click', v, seq })), /'click' needs a non-negative integer 'seq'/);
    }
  });

  test('an oversize message is refused before it is looked at further', () => {
    const big = { type: 'click', v, seq: 1, pad: 'x'.repeat(MAX_MESSAGE_CHARS) };
    assert.match(refusal(validateDemoToHost(big)), /over the limit of 65536/);
  });

  test('a message that cannot be serialised is refused, not thrown', () => {
    const cyclic: Record<string, unknown> = { type: 'click', v, seq: 1 };
    cyclic.self = cyclic;
    assert.match(refusal(validateDemoToHost(cyclic)), /over the limit/);
  });
});

describe('messages from the host', () => {
  const state = { type: 'state', v, text: 'hi', clicks: 1, running: 0, done: 1, timings: [{ run: 1, startedAt: 1, endedAt: 301 }] };

  test('a well-formed state is accepted', () => {
    assert.equal(validateDemoToWebview(state).ok, true);
  });

  test('a state with a missing or mistyped field is refused, naming the field', () => {
    assert.match(refusal(validateDemoToWebview({ ...state, text: 5 })), /needs a string 'text'/);
    assert.match(refusal(validateDemoToWebview({ ...state, done: '1' })), /needs an integer 'done'/);
    assert.match(refusal(validateDemoToWebview({ ...state, timings: [{ run: 1 }] })), /numeric run, startedAt and endedAt/);
  });

  test('a host message of another type is refused', () => {
    assert.match(refusal(validateDemoToWebview({ type: 'ready', v })), /expected 'state'/);
  });
});
