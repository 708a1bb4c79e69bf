/**
 * The bridge between VS Code's synchronous events and the runtime: apps subscribe to VS Code events with async
 * handlers that run as tasks of a scope (an app's runtime, Simul's runtime, a task group), under a policy
 * (`concurrent`, `serial`, `latest`, `drop`, `debounce`). VS Code's `CancellationToken` and the runtime's
 * cancellation convert both ways.
 *
 * Rules it keeps:
 * - a subscription lives no longer than its scope: when the scope is cancelled or closed, the VS Code listener is
 *   removed and running handlers are cancelled;
 * - a handler's error goes to `onError` or the scope's error reporter (the runtime's `onError`), never to the
 *   console as a rejected promise nobody handled, and never into the event source;
 * - every listener the bridge adds (to VS Code events, tokens, AbortSignals) is removed when it is disposed.
 */
import * as vscode from 'vscode';
import {
  type CancelScope,
  type CancelSource,
  CancelledError,
  Context,
  Delayer,
  infoOf,
  isCancelledError,
  type Nursery,
  openCancelScope,
  sleepForever,
  type Task,
  type TaskInfo,
  TimeoutError,
  toSyncListener,
} from '../runtime';

/**
 * What a subscription does when an event arrives while the handler of an earlier one still runs:
 * - `'concurrent'` (default): run them side by side;
 * - `'serial'`: queue; run one after the other in event order;
 * - `'latest'`: cancel the running one (its task's `signal` aborts, its waits throw `CancelledError`), run the new one;
 * - `'drop'`: ignore events while one runs;
 * - `'debounce'`: wait until events stopped for `debounceMs`, then run once with the last event.
 */
export type BridgePolicy = 'concurrent' | 'serial' | 'latest' | 'drop' | 'debounce';

/** Default quiet time of the `'debounce'` policy, in ms. */
export const DEFAULT_DEBOUNCE_MS = 250;

/**
 * An event handler run by the bridge: it receives the event and its own task (pass the task to every wait, and
 * `task.signal` to foreign APIs, so cancellation reaches them).
 */
export type BridgeHandler<T, R = unknown> = (event: T, task: Task<R | undefined>) => R | PromiseLike<R>;

/** Which handler failed: its name (the `name` option, else the function's name, else the event's) and its task. */
export interface BridgeErrorSource {
  readonly name: string;
  /** The handler's task, when the error came from one (a throwing `filter` has none). */
  readonly task?: TaskInfo;
}

/** Receives a handler's error instead of the scope's error reporter. */
export type BridgeErrorHandler = (error: unknown, source: BridgeErrorSource) => void;

/** Options of {@link bridge} and of every entry of {@link events}. */
export interface BridgeOptions<T> {
  /** See {@link BridgePolicy}. Default `'concurrent'`; `'debounce'` when only `debounceMs` is given. */
  policy?: BridgePolicy;
  /**
   * Quiet time of the `'debounce'` policy (default {@link DEFAULT_DEBOUNCE_MS}), on the scope's clock. Giving it with
   * another policy is an error (thrown when subscribing).
   */
  debounceMs?: number;
  /** Names the handler's tasks (task tree, error messages). Default: the handler function's name, else the event's. */
  name?: string;
  /**
   * Receives the handler's errors (not cancellations). Default: the scope's runtime reporter — in Simul's runtime
   * that is the ErrorReporter, which writes the log and shows a notification with "Show Details".
   */
  onError?: BridgeErrorHandler;
  /**
   * Called synchronously for each event, before the policy: events it rejects never reach the policy, so an
   * unrelated document cannot cancel (`'latest'`) or block (`'drop'`) the handler of the one you care about.
   */
  filter?: (event: T) => boolean;
}

/** Options of {@link VsCodeEvents.onWillSaveTextDocument}. */
export interface WillSaveOptions extends BridgeOptions<vscode.TextDocumentWillSaveEvent> {
  /**
   * How long the handler may take, in ms of wall-clock time like VS Code's own budget (not the scope's clock), from
   * the event (default {@link DEFAULT_SAVE_BUDGET_MS}). See {@link VsCodeEvents.onWillSaveTextDocument} for what
   * happens when it is exceeded.
   */
  budgetMs?: number;
}

/**
 * Default time budget of an `onWillSaveTextDocument` handler: below VS Code's own 1,500 ms per extension listener
 * (shared by all listeners of the save), so the bridge settles before VS Code gives up on it.
 */
export const DEFAULT_SAVE_BUDGET_MS = 1250;

/** One change seen by a {@link VsCodeEvents.watchFiles} watcher. */
export interface FileChange {
  readonly kind: 'create' | 'change' | 'delete';
  readonly uri: vscode.Uri;
}

/** Handlers of {@link VsCodeEvents.watchFiles}; kinds without a handler are not watched at all. */
export interface FileHandlers {
  onCreate?: BridgeHandler<vscode.Uri>;
  onChange?: BridgeHandler<vscode.Uri>;
  onDelete?: BridgeHandler<vscode.Uri>;
}

/** An entry of {@link VsCodeEvents}: subscribes `handler` to one VS Code event. */
export type BridgedEvent<T> = (handler: BridgeHandler<T>, options?: BridgeOptions<T>) => vscode.Disposable;

/** What an `onWillSaveTextDocument` handler may return: edits applied to the document before it is written. */
export type WillSaveResult = readonly vscode.TextEdit[] | undefined | void;

/** The VS Code events apps use, each bridged into a scope (see {@link events}). */
export interface VsCodeEvents {
  readonly onDidOpenTextDocument: BridgedEvent<vscode.TextDocument>;
  readonly onDidChangeTextDocument: BridgedEvent<vscode.TextDocumentChangeEvent>;
  readonly onDidSaveTextDocument: BridgedEvent<vscode.TextDocument>;
  readonly onDidCloseTextDocument: BridgedEvent<vscode.TextDocument>;
  /**
   * Runs `handler` while VS Code saves a document; the edits it returns (an array of `TextEdit`, possibly after
   * awaiting) are applied before the file is written. The bridge hands the handler's promise to `e.waitUntil`
   * synchronously inside the listener, as VS Code requires; the handler must not call `e.waitUntil` itself (by the
   * time it could, VS Code refuses with "waitUntil can not be called async").
   *
   * Time budget: VS Code gives each extension listener 1,500 ms (all listeners of one save share that time; the
   * window's save participant gives up after 1,750 ms, or when the user presses Cancel on the save progress).
   * VS Code does **not** tell the extension when it gives up — the event carries no CancellationToken — and it
   * ignores a listener for good after more than 3 errors or timeouts. So the bridge keeps its own budget
   * (`budgetMs`, default {@link DEFAULT_SAVE_BUDGET_MS}) measured from the event: when it passes, the handler's task
   * is cancelled (its `signal` aborts, its waits throw `CancelledError`), `waitUntil`'s promise resolves with no edits
   * so the save goes ahead unchanged, and a {@link TimeoutError} naming the handler and the file goes to `onError`.
   * A handler that fails is reported the same way and also contributes no edits; neither counts against the
   * listener in VS Code. If the document changed while the handler ran, VS Code discards the edits ("concurrent_edits").
   */
  onWillSaveTextDocument(
    handler: (event: vscode.TextDocumentWillSaveEvent, task: Task<WillSaveResult>) => WillSaveResult | PromiseLike<WillSaveResult>,
    options?: WillSaveOptions,
  ): vscode.Disposable;
  readonly onDidChangeActiveTextEditor: BridgedEvent<vscode.TextEditor | undefined>;
  readonly onDidChangeTextEditorSelection: BridgedEvent<vscode.TextEditorSelectionChangeEvent>;
  readonly onDidChangeDiagnostics: BridgedEvent<vscode.DiagnosticChangeEvent>;
  readonly onDidChangeConfiguration: BridgedEvent<vscode.ConfigurationChangeEvent>;
  readonly onDidOpenTerminal: BridgedEvent<vscode.Terminal>;
  readonly onDidCloseTerminal: BridgedEvent<vscode.Terminal>;
  /**
   * Watches files matching `glob` (a glob string, or a `RelativePattern` to watch inside a folder) with a
   * `FileSystemWatcher` that lives as long as the subscription. The policy spans all kinds: with `'latest'`, a
   * deletion cancels the handler still busy with the file's creation. The options' `filter` sees {@link FileChange}s.
   */
  watchFiles(glob: vscode.GlobPattern, handlers: FileHandlers, options?: BridgeOptions<FileChange>): vscode.Disposable;
}

/** Live VS Code event subscriptions made by the bridge (in this copy of the module). */
let liveSubscriptions = 0;

/**
 * How many VS Code event subscriptions made by {@link bridge} (and {@link events}) are live. A leak check: it goes
 * back down when subscriptions are disposed or their scopes close.
 */
export function liveBridgeSubscriptionCount(): number {
  return liveSubscriptions;
}

/**
 * Subscribes `handler` to a VS Code event: each event runs the handler as a task of `scope` under
 * `options.policy`. Returns the subscription; disposing it removes the VS Code listener and cancels the handlers
 * still running.
 *
 * The subscription is tied to `scope` like a service task (Trio's `start_soon(serve)`): a task named
 * `listening: <name>` waits in the scope for as long as the subscription lives, so the task tree shows it, a task
 * group stays open while it listens, and when the scope is cancelled or closed (`runtime.close()`, `group.cancel()`,
 * a failure in the group) the listener is removed before the scope finishes closing, and running handlers are
 * cancelled with it. Throws if the scope is already closed.
 *
 * Errors thrown by the handler (not cancellations) go to `options.onError`, else to the scope's runtime reporter;
 * they never fail a task group and never become unhandled rejections.
 *
 * @example
 * bridge(app.runtime, vscode.workspace.onDidChangeTextDocument, async (e, task) => {
 *   await sleep(100, task);
 *   await lint(e.document, task.signal);
 * }, { policy: 'latest', filter: (e) => e.document.languageId === 'markdown', name: 'lint markdown' });
 */
export function bridge<T, R = unknown>(
  scope: Nursery,
  event: vscode.Event<T>,
  handler: BridgeHandler<T, R>,
  options: BridgeOptions<T> = {},
): vscode.Disposable {
  const runner = createRunner(scope, handler, options, handler.name || 'event handler');
  return runner.subscribe(event, (e) => void runner.call(e));
}

/**
 * The VS Code events apps use, bridged into `scope` (see {@link bridge}): each entry takes a handler and
 * {@link BridgeOptions} and returns the subscription. Handlers without a name are named after their event in the
 * task tree and in error reports.
 *
 * @example
 * const on = events(app.runtime);
 * on.onDidSaveTextDocument(async (doc, task) => publish(doc, task), { policy: 'serial' });
 * on.onWillSaveTextDocument(async (e) => [vscode.TextEdit.insert(new vscode.Position(0, 0), header)]);
 * on.watchFiles('**\/*.csv', { onChange: (uri, task) => reload(uri, task) }, { policy: 'debounce', debounceMs: 500 });
 */
export function events(scope: Nursery): VsCodeEvents {
  const on =
    <T>(event: vscode.Event<T>, eventName: string): BridgedEvent<T> =>
    (handler, options = {}) =>
      bridge(scope, event, handler, { ...options, name: options.name ?? (handler.name || eventName) });
  return {
    onDidOpenTextDocument: on(vscode.workspace.onDidOpenTextDocument, 'onDidOpenTextDocument'),
    onDidChangeTextDocument: on(vscode.workspace.onDidChangeTextDocument, 'onDidChangeTextDocument'),
    onDidSaveTextDocument: on(vscode.workspace.onDidSaveTextDocument, 'onDidSaveTextDocument'),
    onDidCloseTextDocument: on(vscode.workspace.onDidCloseTextDocument, 'onDidCloseTextDocument'),
    onWillSaveTextDocument: (handler, options = {}) => bridgeWillSave(scope, handler, options),
    onDidChangeActiveTextEditor: on(vscode.window.onDidChangeActiveTextEditor, 'onDidChangeActiveTextEditor'),
    onDidChangeTextEditorSelection: on(vscode.window.onDidChangeTextEditorSelection, 'onDidChangeTextEditorSelection'),
    onDidChangeDiagnostics: on(vscode.languages.onDidChangeDiagnostics, 'onDidChangeDiagnostics'),
    onDidChangeConfiguration: on(vscode.workspace.onDidChangeConfiguration, 'onDidChangeConfiguration'),
    onDidOpenTerminal: on(vscode.window.onDidOpenTerminal, 'onDidOpenTerminal'),
    onDidCloseTerminal: on(vscode.window.onDidCloseTerminal, 'onDidCloseTerminal'),
    watchFiles: (glob, handlers, options = {}) => watchFiles(scope, glob, handlers, options),
  };
}

/** The `onWillSaveTextDocument` entry: the handler's promise goes to `waitUntil` synchronously, within a budget. */
function bridgeWillSave(
  scope: Nursery,
  handler: (event: vscode.TextDocumentWillSaveEvent, task: Task<WillSaveResult>) => WillSaveResult | PromiseLike<WillSaveResult>,
  options: WillSaveOptions,
): vscode.Disposable {
  const budgetMs = options.budgetMs ?? DEFAULT_SAVE_BUDGET_MS;
  const name = options.name ?? (handler.name || 'onWillSaveTextDocument');
  // The listener's timer is the one judge of the budget: it settles waitUntil's promise, reports, and cancels the
  // handler's task — or, if the task has not started yet (queued by 'serial'), keeps it from running at all.
  const runner = createRunner<SaveRun, WillSaveResult>(
    scope,
    (run, task) => {
      if (run.expired) return undefined;
      run.task = task;
      return handler(run.event, task);
    },
    { ...options, name, filter: options.filter && ((run) => options.filter!(run.event)) },
    name,
  );
  return runner.subscribe(vscode.workspace.onWillSaveTextDocument, (event) => {
    const run: SaveRun = { event, expired: false, task: undefined };
    const result = runner.call(run);
    // Called synchronously, as VS Code requires. The promise never rejects: a rejection counts against the
    // listener in VS Code (ignored after 3), and the failure has already been reported.
    event.waitUntil(
      new Promise<readonly vscode.TextEdit[]>((resolve) => {
        const timer = setTimeout(() => {
          run.expired = true;
          resolve([]);
          run.task?.cancel(`the save budget of ${budgetMs} ms passed`);
          runner.report(
            new TimeoutError(
              `onWillSaveTextDocument handler "${name}" did not finish within ${budgetMs} ms: ` +
                `${event.document.uri.toString(true)} was saved without its edits, and the handler was cancelled`,
            ),
            run.task,
          );
        }, budgetMs);
        result.then(
          (edits) => {
            clearTimeout(timer);
            resolve(Array.isArray(edits) ? edits : []);
          },
          () => {
            clearTimeout(timer);
            resolve([]);
          },
        );
      }),
    );
  });
}

/** One will-save event on its way through the policy to the handler. */
interface SaveRun {
  readonly event: vscode.TextDocumentWillSaveEvent;
  /** Set when the budget passed: a handler that has not started yet must not run. */
  expired: boolean;
  /** The handler's task, once it started. */
  task: Task<unknown> | undefined;
}

/** The `watchFiles` entry: one watcher, its three events merged into one so the policy spans them. */
function watchFiles(scope: Nursery, glob: vscode.GlobPattern, handlers: FileHandlers, options: BridgeOptions<FileChange>): vscode.Disposable {
  const pattern = typeof glob === 'string' ? glob : glob.pattern;
  const merged: vscode.Event<FileChange> = (listener, thisArgs, disposables) => {
    const { onCreate, onChange, onDelete } = handlers;
    const watcher = vscode.workspace.createFileSystemWatcher(glob, !onCreate, !onChange, !onDelete);
    const fire = (kind: FileChange['kind']) => (uri: vscode.Uri) => listener.call(thisArgs, { kind, uri });
    const subscription = vscode.Disposable.from(
      watcher.onDidCreate(fire('create')),
      watcher.onDidChange(fire('change')),
      watcher.onDidDelete(fire('delete')),
      watcher,
    );
    disposables?.push(subscription);
    return subscription;
  };
  return bridge(
    scope,
    merged,
    ({ kind, uri }: FileChange, task: Task<unknown>) => {
      const handler = kind === 'create' ? handlers.onCreate : kind === 'change' ? handlers.onChange : handlers.onDelete;
      return handler?.(uri, task);
    },
    { ...options, name: options.name ?? `watchFiles(${pattern})` },
  );
}

/** The machinery shared by every subscription: runs events through the policy, reports errors, ends with the scope. */
interface Runner<T, R> {
  /** Runs one event (filter, policy, handler); the promise never rejects with a handler error, and is handled. */
  call(event: T): Promise<R | undefined>;
  /** Subscribes `listener` (which calls {@link call}) to `event` until the subscription is disposed or the scope ends. */
  subscribe<E>(event: vscode.Event<E>, listener: (event: E) => void): vscode.Disposable;
  report(error: unknown, task: Task<unknown> | undefined): void;
}

const resolvedUndefined = Promise.resolve(undefined);

function createRunner<T, R>(scope: Nursery, handler: BridgeHandler<T, R>, options: BridgeOptions<T>, fallbackName: string): Runner<T, R> {
  const name = options.name ?? fallbackName;
  const policy = options.policy ?? (options.debounceMs !== undefined ? 'debounce' : 'concurrent');
  if (options.debounceMs !== undefined && policy !== 'debounce') {
    throw new Error(`bridge "${name}": debounceMs is only used by the 'debounce' policy, but the policy is '${policy}'. Drop debounceMs, or use policy: 'debounce'.`);
  }
  const filter = options.filter;
  /** Handler tasks whose handler is running: cancelled when the subscription is disposed. */
  const running = new Set<Task<unknown>>();
  let disposed = false;

  const report = (error: unknown, task: Task<unknown> | undefined): void => {
    const onError = options.onError;
    if (onError === undefined) {
      scope._rt.reportError(error, task);
      return;
    }
    try {
      onError(error, task ? { name, task: infoOf(task) } : { name });
    } catch (onErrorFailure) {
      scope._rt.reportError(onErrorFailure, task);
      scope._rt.reportError(error, task);
    }
  };

  const run = async (task: Task<R | undefined>, event: T): Promise<R | undefined> => {
    if (disposed) return undefined;
    running.add(task);
    try {
      return await handler(event, task);
    } catch (error) {
      if (isCancelledError(error)) throw error; // the task ends cancelled: not a failure
      report(error, task);
      return undefined;
    } finally {
      running.delete(task);
    }
  };

  // 'debounce' uses a Delayer of our own (rather than toSyncListener's) so that disposing drops a pending run
  // instead of letting it fire into a scope that may be closed by then.
  const delayer = policy === 'debounce' ? new Delayer<R | undefined>(options.debounceMs ?? DEFAULT_DEBOUNCE_MS, { clock: scope._rt.clock }) : null;
  const start = toSyncListener<[T], R | undefined>(scope, run, { policy: policy === 'debounce' ? 'concurrent' : policy, name });
  const ended = () => disposed || scope.closed || scope.cancelled;

  const call = (event: T): Promise<R | undefined> => {
    if (ended()) return resolvedUndefined;
    if (filter !== undefined) {
      try {
        if (!filter(event)) return resolvedUndefined;
      } catch (error) {
        report(error, undefined);
        return resolvedUndefined;
      }
    }
    if (delayer === null) return start(event);
    return delayer.trigger(() => (ended() ? undefined : start(event)));
  };

  const subscribe = <E>(event: vscode.Event<E>, listener: (event: E) => void): vscode.Disposable => {
    let subscription: vscode.Disposable | null = null;
    let lifetime: Task<void> | null = null;
    const dispose = (): void => {
      if (subscription === null) return;
      disposed = true;
      try {
        subscription.dispose();
      } finally {
        subscription = null;
        liveSubscriptions--;
        delayer?.dispose();
        lifetime?.cancel('the subscription was disposed');
        for (const task of running) task.cancel(`the subscription "${name}" was disposed`);
      }
    };
    // Throws here, before subscribing, if the scope is closed. When the scope is cancelled, this task removes the
    // listener before it ends, so before the scope can finish closing.
    lifetime = scope.startSoon<void>(
      async (task) => {
        try {
          await sleepForever(task);
        } finally {
          dispose();
        }
      },
      { name: `listening: ${name}`, propagate: 'unobserved' },
    );
    try {
      subscription = event(listener);
    } catch (error) {
      lifetime.cancel('subscribing failed');
      throw error;
    }
    liveSubscriptions++;
    // A scope cancelled before the lifetime task started still runs it to its first wait (its finally disposes);
    // this is a second guard, whatever way the task ended.
    void lifetime.settled().then(dispose);
    return new vscode.Disposable(dispose);
  };

  return { call, subscribe, report };
}

/** An AbortSignal that follows a VS Code CancellationToken; see {@link tokenToSignal}. */
export interface SignalFromToken extends vscode.Disposable {
  /** Aborts (with a `CancelledError`) when the token is cancelled. Created, and the token listened to, on first read. */
  readonly signal: AbortSignal;
}

/**
 * Converts a VS Code `CancellationToken` (from a provider, a command, `withProgress`) to an `AbortSignal` for the
 * runtime (a `parent`, the context of a wait) or for `fetch` and streams. Lazy: nothing is created and the token is
 * not listened to until `signal` is read. `dispose()` removes the listener from the token.
 *
 * @example
 * provideHover(doc, pos, token) {
 *   const { signal, dispose } = tokenToSignal(token);
 *   return fetchDocs(word, { signal }).finally(dispose);
 * }
 */
export function tokenToSignal(token: vscode.CancellationToken): SignalFromToken {
  let controller: AbortController | null = null;
  let listener: vscode.Disposable | null = null;
  let disposed = false;
  const reason = () => new CancelledError('VS Code cancelled the request (its CancellationToken)');
  return {
    get signal(): AbortSignal {
      if (controller === null) {
        const created = (controller = new AbortController());
        if (token.isCancellationRequested) created.abort(reason());
        else if (!disposed) {
          listener = token.onCancellationRequested(() => {
            listener?.dispose();
            listener = null;
            created.abort(reason());
          });
        }
      }
      return controller.signal;
    },
    dispose() {
      disposed = true;
      listener?.dispose();
      listener = null;
    },
  };
}

/** A VS Code CancellationToken that follows an AbortSignal or a runtime context; see {@link signalToToken}. */
export interface TokenFromSignal extends vscode.Disposable {
  readonly token: vscode.CancellationToken;
}

/**
 * Converts an `AbortSignal`, or a runtime context (task, group, scope, runtime — through its `signal`), to a VS Code
 * `CancellationToken` backed by a `CancellationTokenSource`, for VS Code APIs that take one (`showQuickPick`,
 * `findFiles`, `executeCommand` providers, ...): cancelling the task cancels the VS Code call. `dispose()` removes
 * the abort listener and disposes the token source. {@link callWithToken} does both for one call.
 */
export function signalToToken(source: CancelSource): TokenFromSignal {
  const signal = source instanceof Context ? source.signal : source;
  const tokenSource = new vscode.CancellationTokenSource();
  const onAbort = () => tokenSource.cancel();
  if (signal.aborted) tokenSource.cancel();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    token: tokenSource.token,
    dispose() {
      signal.removeEventListener('abort', onAbort);
      tokenSource.dispose();
    },
  };
}

/**
 * Calls a VS Code API that takes a CancellationToken with one that follows `source` (a task, scope, or signal), and
 * releases the token afterwards.
 *
 * @example
 * const picked = await callWithToken(task, (token) => vscode.window.showQuickPick(items, {}, token));
 * // cancelling `task` closes the quick pick (it resolves undefined)
 */
export async function callWithToken<R>(source: CancelSource, call: (token: vscode.CancellationToken) => R | Thenable<R>): Promise<R> {
  const converted = signalToToken(source);
  try {
    return await call(converted.token);
  } finally {
    converted.dispose();
  }
}

/**
 * Runs `fn` in a cancel scope below `parent` that a VS Code `CancellationToken` cancels: what a provider or command
 * handed a token does to run runtime code. When the token is cancelled, the waits inside end with
 * `CancelledError`, and the scope swallows it: the result is then `undefined` (Trio's `move_on_after`), which is also
 * what VS Code expects of a cancelled provider. Cancellation of `parent` (the app closing) propagates as usual.
 * The listener on the token is removed when `fn` ends.
 *
 * @example
 * registerHoverProvider('markdown', {
 *   provideHover: (doc, pos, token) => withToken(token, app.runtime, async (scope) => {
 *     const text = await lookUp(doc.getText(doc.getWordRangeAtPosition(pos)), scope);
 *     return new vscode.Hover(text);
 *   }),
 * });
 */
export function withToken<T>(
  token: vscode.CancellationToken,
  parent: CancelSource,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
  options: { name?: string } = {},
): Promise<T | undefined> {
  return openCancelScope(
    async (scope) => {
      const reason = 'VS Code cancelled the request (its CancellationToken)';
      let listener: vscode.Disposable | null = null;
      if (token.isCancellationRequested) scope.cancel(reason);
      else listener = token.onCancellationRequested(() => scope.cancel(reason));
      try {
        return await fn(scope);
      } finally {
        listener?.dispose();
      }
    },
    { parent, name: options.name ?? 'withToken' },
  );
}
