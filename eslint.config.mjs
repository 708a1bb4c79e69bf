// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Globals that exist only in a browser page. The pure layers (runtime, reactive core, protocol, app framework) run in
 * Node, in VS Code's web extension host and in plain unit tests, so none of these may appear there.
 */
const DOM_ONLY_GLOBALS = [
  'window', 'document', 'navigator', 'location', 'history', 'localStorage', 'sessionStorage',
  'HTMLElement', 'Element', 'Node', 'NodeList', 'CustomEvent', 'MutationObserver', 'ResizeObserver',
  'IntersectionObserver', 'requestAnimationFrame', 'cancelAnimationFrame', 'getComputedStyle',
  'acquireVsCodeApi', 'customElements', 'self', 'parent', 'top', 'frames', 'alert', 'confirm', 'prompt',
].map((name) => ({
  name,
  message: `'${name}' is a DOM global: the pure layers (every folder of extension/ but extension/vscode) must run without a browser. Move DOM code to webview/.`,
}));

/**
 * esbuild is loaded at run time, and only when a workspace app is first built, from the esbuild-wasm Simul downloads
 * then (extension/workspace/compiler.ts): importing it (other than its types) would bundle it into main.js, where it
 * cannot find its WebAssembly file, and load it at activation. Type imports are fine.
 */
const ESBUILD_IMPORTS = ['esbuild', 'esbuild-wasm'].map((name) => ({
  name,
  allowTypeImports: true,
  message: `Import only types from '${name}': the extension fetches and loads esbuild-wasm on first use (extension/workspace/compiler.ts).`,
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', '.vscode-test/', 'test-results/', 'bench-results/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview runs in a browser page: it cannot import vscode. Talk to the host through extension/protocol.' }],
      }],
    },
  },
  {
    files: ['extension/vscode/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: ESBUILD_IMPORTS }] },
  },
  {
    // The layer rule: only extension/vscode may import `vscode`; pure layers also stay free of the DOM.
    files: ['extension/runtime/**/*.ts', 'extension/reactive/**/*.ts', 'extension/protocol/**/*.ts', 'extension/app/**/*.ts', 'extension/apps/**/*.ts', 'extension/samples/**/*.ts', 'extension/workspace/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      // typescript-eslint's form of the rule, which can let type-only imports through (ESBUILD_IMPORTS).
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'Pure layers must not import vscode: only extension/vscode/ may. Pass what you need in from the VS Code layer.' },
          ...ESBUILD_IMPORTS,
        ],
        patterns: [
          { group: ['**/vscode/**', '../vscode', '../../vscode'], message: 'Pure layers must not import the VS Code layer (extension/vscode/).' },
          { group: ['**/webview/**'], message: 'Pure layers must not import webview code (it needs the DOM).' },
        ],
      }],
      'no-restricted-globals': ['error', ...DOM_ONLY_GLOBALS],
    },
  },
);
