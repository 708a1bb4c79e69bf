import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openHarness } from '../../../extension/app/testing';
import { createVirtualClock } from '../../../extension/runtime';
import counter from '../../../examples/apps/counter';

describe('the documented example', () => {
  test('the counter adds once per double click, shows the doubled value after loading, and follows its slider', async () => {
    const h = await openHarness(counter, { clock: createVirtualClock() });
    assert.equal(h.props('Count 0').text, 'Count 0');
    assert.equal(h.props('doubled').text, 'Doubled: 0');

    h.click('Add');
    h.click('Add'); // dropped: the first run is still going
    await h.flush();
    assert.equal(h.props('Add').loading, true);
    await h.settled();
    assert.equal(h.props('Add').loading, false);
    assert.equal(h.find('root/text0').props.text, 'Count 1');
    assert.equal(h.props('doubled').text, 'Doubled: 2');
    assert.equal(h.props('amount').value, 1);

    h.change('amount', 7);
    await h.flush();
    assert.equal(h.props('doubled').loading, true, 'the formula is pending again');
    await h.settled();
    assert.deepEqual([h.find('root/text0').props.text, h.props('doubled').text, h.props('doubled').loading], ['Count 7', 'Doubled: 14', false]);
    assert.deepEqual(h.errors, []);
    await h.close();
  });
});
