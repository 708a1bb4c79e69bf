/** out/webview/toolkit.js: defines the toolkit's elements (already drawn ones upgrade in place). */

// First: evaluated before the toolkit's modules (see late-load.ts).
import { runHeldLoadListeners } from './late-load';
import { provideChunk } from './chunks';
import { registerToolkit } from './toolkit';

registerToolkit();
runHeldLoadListeners();
provideChunk('toolkit', {});
