/** out/webview/markdown.js: markdown-it and Simul's rules, for the markdown controls. */

import { provideChunk } from './chunks';
import { renderMarkdown } from './markdown-render';

provideChunk('markdown', { render: renderMarkdown });
