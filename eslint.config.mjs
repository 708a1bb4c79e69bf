// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Globals that exist only in a browser page. The pure layers (runtime, reactive core, protocol, app framework, samples) run in
 * Node, in VS Code's web extension host and in plain unit tests, so none of these may appear there.
 */
const DOM_ONLY_GLOBALS = [
  'window', 'document', 'navigator', 'location', 'history', 'localStorage', 'sessionStorage',
  'HTMLElement', 'Element', 'Node', 'NodeList', 'CustomEvent', 'MutationObserver', 'ResizeObserver',
  'IntersectionObserver', 'requestAnimationFrame', 'cancelAnimationFrame', 'getComputedStyle',
  'acquireVsCodeApi', 'customElements', 'self', 'parent', 'top', 'frames', 'alert', 'confirm', 'prompt',
].map((name) => ({
  name,
  message: `'${name}' is a DOM global: the pure layers (extension/runtime, extension/reactive, extension/protocol, extension/app, extension/samples) must run without a browser. Move DOM code to webview/.`,
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
    // The layer rule: only extension/vscode may import `vscode`; pure layers also stay free of the DOM.
    files: ['extension/runtime/**/*.ts', 'extension/reactive/**/*.ts', 'extension/protocol/**/*.ts', 'extension/app/**/*.ts', 'extension/samples/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Pure layers must not import vscode: only extension/vscode/ may. Pass what you need in from the VS Code layer.' }],
        patterns: [
          { group: ['**/vscode/**', '../vscode', '../../vscode'], message: 'Pure layers must not import the VS Code layer (extension/vscode/).' },
          { group: ['**/webview/**'], message: 'Pure layers must not import webview code (it needs the DOM).' },
        ],
      }],
      'no-restricted-globals': ['error', ...DOM_ONLY_GLOBALS],
    },
  },
);
