/**
 * Turns the runtime's implicit context on for the test file that imports it (first). The samples and examples wait
 * without a `task` argument, as they do in the extension host of VS Code ≥ 1.125 (Node ≥ 24), where the mode is on by
 * default; on the Node 20 of plain unit tests it is off by default. Each test file runs in its own process, so this
 * affects only the file that imports it.
 */
import assert from 'node:assert/strict';
import { enableImplicitContext } from '../../extension/runtime';

assert.equal(enableImplicitContext(), true, 'the implicit context needs AsyncLocalStorage, which Node has');
