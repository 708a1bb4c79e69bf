/**
 * The browser bundle (out/extension/browser.js, package.json `browser`) in a sandbox shaped like VS Code's web worker
 * extension host: the file's code run as `new Function('module', 'exports', 'require', code)` with a `require` that
 * serves only `vscode` (and throws `Cannot load module` for anything else, as that host's does), no `process`, no
 * `Buffer`, no `setImmediate`. `vscode` is a stub of plain objects: the few APIs activation touches, recording what
 * it registers. Checks that `activate` runs, registers the commands, sets up workspace apps (built there with
 * esbuild-wasm's browser API; test/unit/workspace/web.test.ts and the web journey build one), and says what needs Node.
 *
 * Runs on the built bundle: `node scripts/build.mjs` first (npm test and test:unit do).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { REPO_ROOT } from '../runtime/worker-build';

const BUNDLE = join(REPO_ROOT, 'out', 'extension', 'browser.js');

interface Listener<T> {
  (value: T): unknown;
}

/** A minimal `vscode.EventEmitter`. */
class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): { dispose(): void } => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

const noEvent = (): { dispose(): void } => ({ dispose: () => undefined });

interface QuickPickItem {
  readonly label: string;
  readonly detail?: string;
  readonly kind?: number;
}

/** What activation did to the stub. */
interface Recorded {
  readonly commands: Map<string, (...args: unknown[]) => unknown>;
  readonly log: string[];
  readonly messages: string[];
  readonly serializers: string[];
  readonly viewProviders: string[];
  quickPickItems: readonly QuickPickItem[];
}

function vscodeStub(settings: Record<string, unknown>): { vscode: Record<string, unknown>; recorded: Recorded } {
  const recorded: Recorded = { commands: new Map(), log: [], messages: [], serializers: [], viewProviders: [], quickPickItems: [] };
  const logAt = (level: string) => (message: string) => void recorded.log.push(`${level} ${message}`);
  const disposable = (run: () => void = () => undefined) => ({ dispose: run });
  const uri = (path: string) => ({ scheme: 'vscode-remote', path, fsPath: path, toString: () => `vscode-remote://host${path}` });
  const message = (level: string) => (text: string) => {
    recorded.messages.push(`${level} ${text}`);
    return Promise.resolve(undefined);
  };
  const vscode = {
    EventEmitter,
    Disposable: class {
      constructor(private readonly run: () => void) {}
      dispose(): void {
        this.run();
      }
      static from(...items: { dispose(): void }[]) {
        return disposable(() => items.forEach((i) => i.dispose()));
      }
    },
    ThemeIcon: class {
      constructor(readonly id: string) {}
    },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    Uri: { joinPath: (base: { path: string }, ...parts: string[]) => uri([base.path, ...parts].join('/')) },
    RelativePattern: class {
      constructor(readonly base: unknown, readonly pattern: string) {}
    },
    languages: { createDiagnosticCollection: () => ({ set: () => undefined, delete: () => undefined, clear: () => undefined, dispose: () => undefined }) },
    window: {
      createOutputChannel: () => ({
        info: logAt('info'),
        warn: logAt('warn'),
        error: logAt('error'),
        debug: logAt('debug'),
        trace: logAt('trace'),
        appendLine: logAt('line'),
        show: () => undefined,
        dispose: () => undefined,
      }),
      registerWebviewPanelSerializer: (type: string) => {
        recorded.serializers.push(type);
        return disposable();
      },
      registerWebviewViewProvider: (id: string) => {
        recorded.viewProviders.push(id);
        return disposable();
      },
      showInformationMessage: message('info'),
      showWarningMessage: message('warn'),
      showErrorMessage: message('error'),
      createQuickPick: () => {
        const hide = new EventEmitter<void>();
        const pick = {
          items: [] as readonly QuickPickItem[],
          selectedItems: [],
          title: '',
          placeholder: '',
          matchOnDescription: false,
          matchOnDetail: false,
          onDidAccept: noEvent,
          onDidTriggerItemButton: noEvent,
          onDidHide: hide.event,
          // The list is recorded, then closed as a user pressing Escape would.
          show: () => {
            recorded.quickPickItems = pick.items;
            queueMicrotask(() => hide.fire());
          },
          hide: () => hide.fire(),
          dispose: () => undefined,
        };
        return pick;
      },
    },
    commands: {
      registerCommand: (id: string, run: (...args: unknown[]) => unknown) => {
        recorded.commands.set(id, run);
        return disposable(() => recorded.commands.delete(id));
      },
      executeCommand: () => Promise.resolve(undefined),
    },
    workspace: {
      getConfiguration: () => ({ get: <T>(key: string, fallback: T): T => (key in settings ? (settings[key] as T) : fallback) }),
      onDidChangeConfiguration: noEvent,
      onDidChangeWorkspaceFolders: noEvent,
      workspaceFolders: undefined,
      isTrusted: true,
      onDidGrantWorkspaceTrust: noEvent,
      onWillSaveTextDocument: noEvent,
      onDidSaveTextDocument: noEvent,
      createFileSystemWatcher: () => ({ onDidChange: noEvent, onDidCreate: noEvent, onDidDelete: noEvent, dispose: () => undefined }),
    },
  };
  return { vscode, recorded };
}

/** Loads the bundle as the web worker host does and returns its exports and what it asked `require` for. */
function loadBundle(vscode: object): { exports: Record<string, (...args: unknown[]) => unknown>; required: string[]; sandbox: Record<string, unknown> } {
  assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run node scripts/build.mjs first`);
  const code = readFileSync(BUNDLE, 'utf8');
  const required: string[] = [];
  const requireInWorker = (id: string): unknown => {
    required.push(id);
    if (id === 'vscode') return vscode;
    throw new Error(`Cannot load module '${id}'`);
  };
  // What a web worker has that the bundle may use; nothing of Node (no process, Buffer, setImmediate, global require).
  const sandbox: Record<string, unknown> = {
    console,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    queueMicrotask,
    structuredClone,
    AbortController,
    AbortSignal,
    TextEncoder,
    TextDecoder,
    URL,
    performance,
    CompressionStream,
    moduleUnderTest: { exports: {} },
    requireInWorker,
  };
  runInNewContext(`(new Function('module', 'exports', 'require', ${JSON.stringify(code)}))(moduleUnderTest, moduleUnderTest.exports, requireInWorker);`, sandbox, { filename: 'browser.js' });
  for (const name of ['process', 'Buffer', 'setImmediate', 'require', '__dirname', '__filename']) {
    assert.equal(runInNewContext(`typeof ${name}`, sandbox), 'undefined', `the sandbox has no ${name}`);
  }
  return { exports: (sandbox.moduleUnderTest as { exports: Record<string, (...args: unknown[]) => unknown> }).exports, required, sandbox };
}

function extensionContext(): Record<string, unknown> {
  const state = new Map<string, unknown>();
  return {
    extension: { packageJSON: { version: '9.9.9' } },
    extensionUri: { scheme: 'vscode-remote', path: '/ext/simul', fsPath: '/ext/simul', toString: () => 'vscode-remote://host/ext/simul' },
    globalStorageUri: { scheme: 'vscode-userdata', path: '/User/globalStorage/simul.simul', fsPath: '/User/globalStorage/simul.simul', toString: () => 'vscode-userdata:/User/globalStorage/simul.simul' },
    subscriptions: [] as { dispose(): void }[],
    workspaceState: { get: (key: string, fallback?: unknown) => (state.has(key) ? state.get(key) : fallback), update: (key: string, value: unknown) => {
        state.set(key, value);
        return Promise.resolve();
      }, keys: () => [...state.keys()] },
    globalState: { get: () => undefined, update: () => Promise.resolve(), keys: () => [] },
  };
}

describe('out/extension/browser.js in a web-extension-host-like sandbox', () => {
  test('activates without Node: registers every command, lists Node-only samples with the reason, says what is missing', async () => {
    const { vscode, recorded } = vscodeStub({ 'simul.debugMode': true });
    const { exports, required } = loadBundle(vscode);
    assert.equal(typeof exports.activate, 'function');
    assert.equal(typeof exports.deactivate, 'function');

    const api = exports.activate(extensionContext()) as {
      version: string;
      hostKind: string;
      workspaceApps: { findWorkspaceApps(): Promise<unknown[]> } | undefined;
      apps(): { id: string; title: string; origin: string }[];
      toThread(fn: (...args: unknown[]) => unknown, args: unknown[]): Promise<unknown>;
    };
    assert.deepEqual([...new Set(required)], ['vscode'], 'the bundle asks require for vscode only');
    assert.equal(api.version, '9.9.9');
    assert.equal(api.hostKind, 'web');
    assert.ok(api.workspaceApps, 'workspace apps are set up in the web worker host too');
    assert.equal((await api.workspaceApps.findWorkspaceApps()).length, 0, 'no folder is open: no apps (and nothing built)');

    // Every command package.json contributes is registered; the workspace-app debug command (Node only) is not.
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual([...recorded.commands.keys()].filter((id) => id.startsWith('simul.') && !id.startsWith('simul.debug.')).sort(), contributed);
    assert.ok(!recorded.commands.has('simul.debug.buildWorkspaceApp'));
    assert.deepEqual(recorded.serializers, ['simul.app']);
    assert.deepEqual(recorded.viewProviders, ['simul.sideView']);

    // Every sample is listed, the Task Monitor too.
    const ids = api.apps().map((a) => a.id);
    for (const id of ['simul.taskMonitor', 'concurrent-clicks', 'async-image', 'price-feed', 'speed-comparison', 'blocking-vs-nonblocking', 'gallery']) assert.ok(ids.includes(id), id);

    // The log says what needs Node, and why.
    const log = recorded.log.join('\n');
    assert.doesNotMatch(log, /Workspace apps are not available/);
    assert.match(log, /info Workspace apps: none/);
    assert.match(log, /event-loop delay chart is not available in this extension host: .*perf_hooks/);
    assert.match(log, /stall watchdog is not available in this extension host: .*node:inspector/);
    assert.match(log, /Sample 'Price feed' needs the desktop or remote extension host: it runs a local WebSocket server/);
    assert.match(log, /Sample 'Speed comparison' needs the desktop or remote extension host: it runs a local HTTP server/);
    // No AsyncLocalStorage in a web worker: waits take their task from an explicit context, and the log says why.
    assert.match(log, /warn Implicit task context off: /);
    // Debug mode was on in the settings: the user is told its watchdog cannot run here.
    assert.ok(recorded.messages.some((m) => /^warn Simul debug mode: the stall watchdog is not available here/.test(m)), recorded.messages.join('\n'));

    // Open App…: Node-only samples carry the reason; no workspace apps without a folder, and no notice that they cannot run.
    await recorded.commands.get('simul.openApp')!();
    const items = recorded.quickPickItems;
    const priceFeed = items.find((i) => i.label.endsWith('Price feed'));
    assert.ok(priceFeed, 'Price feed is listed');
    assert.match(priceFeed.label, /^\$\(circle-slash\) /);
    assert.match(String(priceFeed.detail), /^\(needs the desktop or remote extension host: it runs a local WebSocket server/);
    assert.ok(!items.some((i) => /Workspace apps are not available here/.test(i.label)), 'workspace apps are not said to be unavailable');
    const gallery = items.find((i) => i.label === 'Gallery');
    assert.ok(gallery && gallery.detail !== undefined && !gallery.detail.includes('needs'), 'a portable sample is listed as usual');

    // New App… works here too; without a folder it says to open one.
    await assert.rejects(Promise.resolve(recorded.commands.get('simul.newApp')!('hello')), /open a folder first/);
    // toThread says there are no worker threads here.
    await assert.rejects(api.toThread((a: unknown) => a, [1]), { message: /^toThread needs worker threads, but this JavaScript host has no 'worker_threads' module/ });

    exports.deactivate();
    assert.equal(recorded.commands.size, 0, 'deactivate() unregisters every command');
    assert.equal((exports.liveRegistrationCount as () => number)(), 0);
  });
});
