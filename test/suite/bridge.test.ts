/**
 * The VS Code event bridge, with real VS Code events: documents are created in the fixture workspace, edited and
 * saved through the API, and the handlers run as runtime tasks under each policy.
 */
import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import * as vscode from 'vscode';
import {
  createRuntime,
  Event as Gate,
  isCancelledError,
  type Runtime,
  setUnexpectedErrorHandler,
  sleep,
  sleepForever,
  type TaskGroup,
} from '../../extension/runtime';
import {
  bridge,
  type BridgeErrorSource,
  callWithToken,
  events,
  liveBridgeSubscriptionCount,
  signalToToken,
  tokenToSignal,
  withToken,
} from '../../extension/vscode/bridge';

/** Resolves once `check` is true, polling; fails with `what` after `ms`. */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await delay(20);
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A real VS Code event wrapped so the test can count its live listeners. */
function counted<T>(event: vscode.Event<T>): { event: vscode.Event<T>; live(): number } {
  let live = 0;
  const wrapped: vscode.Event<T> = (listener, thisArgs, disposables) => {
    const real = event(listener, thisArgs);
    live++;
    let disposed = false;
    const subscription = {
      dispose() {
        if (disposed) return;
        disposed = true;
        live--;
        real.dispose();
      },
    };
    disposables?.push(subscription);
    return subscription;
  };
  return { event: wrapped, live: () => live };
}

/** A VS Code CancellationToken (from a real CancellationTokenSource) whose listeners are counted. */
function countedToken(): { source: vscode.CancellationTokenSource; token: vscode.CancellationToken; live(): number } {
  const source = new vscode.CancellationTokenSource();
  const real = source.token;
  const onCancellation = counted(real.onCancellationRequested);
  const token: vscode.CancellationToken = {
    get isCancellationRequested() {
      return real.isCancellationRequested;
    },
    onCancellationRequested: onCancellation.event,
  };
  return { source, token, live: onCancellation.live };
}

/** The part of Simul's API these tests use (typed here, so the suite does not bundle the extension). */
interface Api {
  events(): {
    onDidChangeTextDocument(
      handler: (e: vscode.TextDocumentChangeEvent) => unknown,
      options?: { filter?: (e: vscode.TextDocumentChangeEvent) => boolean },
    ): vscode.Disposable;
  };
  onDidReportError: vscode.Event<{ where: string; message: string; task?: { name: string } }>;
}

suite('Bridging VS Code events into the runtime', () => {
  let tmpDir: vscode.Uri;
  const tempFiles: vscode.Uri[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let runtimeErrors: unknown[];
  let rt: Runtime;

  /** Creates a file in the fixture workspace and opens it (not in an editor). */
  async function tempDocument(text: string, prefix = 'doc'): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.joinPath(tmpDir, `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.txt`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    tempFiles.push(uri);
    return vscode.workspace.openTextDocument(uri);
  }

  /** Appends `text` to `doc` through a real WorkspaceEdit (fires onDidChangeTextDocument). */
  async function append(doc: vscode.TextDocument, text: string): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.lineAt(doc.lineCount - 1).range.end, text);
    assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');
  }

  /** Only content changes of `doc`: other documents (logs, output) must not disturb a policy under test. */
  const changesOf = (doc: vscode.TextDocument) => (e: vscode.TextDocumentChangeEvent) =>
    e.document.uri.toString() === doc.uri.toString() && e.contentChanges.length > 0;

  /** The text an event inserted (each test edit inserts one distinct piece). */
  const inserted = (e: vscode.TextDocumentChangeEvent) => e.contentChanges[0]!.text;

  suiteSetup(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the fixture workspace is not open');
    tmpDir = vscode.Uri.joinPath(folder.uri, 'tmp-bridge');
    await vscode.workspace.fs.createDirectory(tmpDir);
    process.on('unhandledRejection', onUnhandled);
  });

  suiteTeardown(async () => {
    process.off('unhandledRejection', onUnhandled);
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.isDirty && tempFiles.some((uri) => uri.toString() === doc.uri.toString())) await doc.save();
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(tmpDir, { recursive: true, useTrash: false });
  });

  setup(() => {
    runtimeErrors = [];
    unhandled.length = 0;
    rt = createRuntime({ name: 'bridge test', onError: (error) => runtimeErrors.push(error) });
  });

  teardown(() => rt.close());

  /**
   * A test that also fails if, by its end, an error reached the test runtime's reporter or a promise rejection went
   * unhandled (checked in the test rather than in a hook: a failing hook would skip the rest of the suite).
   */
  const bridgeTest = (title: string, fn: () => Promise<void> | void) =>
    test(title, async () => {
      await fn();
      await rt.close();
      await delay(50); // unhandled rejections are announced once the microtask queue drained
      assert.deepEqual(runtimeErrors, [], 'errors reached the runtime reporter');
      assert.deepEqual(unhandled, [], 'a promise rejection went unhandled');
    });

  bridgeTest('the serial policy runs one handler at a time, in the order the edits happened', async () => {
    const doc = await tempDocument('start');
    const order: string[] = [];
    let active = 0;
    let maxActive = 0;
    bridge(
      rt,
      vscode.workspace.onDidChangeTextDocument,
      async (e, task) => {
        maxActive = Math.max(maxActive, ++active);
        await sleep(40, task);
        order.push(inserted(e));
        active--;
      },
      { policy: 'serial', filter: changesOf(doc) },
    );
    for (const piece of ['a', 'b', 'c', 'd']) await append(doc, piece);
    await until(() => order.length === 4, 'four handlers ran');
    assert.deepEqual(order, ['a', 'b', 'c', 'd']);
    assert.equal(maxActive, 1, 'serial handlers overlapped');
  });

  bridgeTest('the concurrent policy lets the handlers of quick edits overlap', async () => {
    const doc = await tempDocument('start');
    const gate = new Gate();
    const done: string[] = [];
    let active = 0;
    bridge(
      rt,
      vscode.workspace.onDidChangeTextDocument,
      async (e, task) => {
        active++;
        await gate.wait(task); // held until all three run at once
        active--;
        done.push(inserted(e));
      },
      { policy: 'concurrent', filter: changesOf(doc) },
    );
    for (const piece of ['a', 'b', 'c']) await append(doc, piece);
    await until(() => active === 3, 'three handlers ran at once');
    gate.set();
    await until(() => done.length === 3, 'three handlers finished');
  });

  bridgeTest("the latest policy cancels the running handler: its task's signal aborts when the next edit arrives", async () => {
    const doc = await tempDocument('start');
    const signals = new Map<string, AbortSignal>();
    const finished: string[] = [];
    bridge(
      rt,
      vscode.workspace.onDidChangeTextDocument,
      async (e, task) => {
        signals.set(inserted(e), task.signal);
        await sleep(inserted(e) === 'a' ? 10_000 : 20, task);
        finished.push(inserted(e));
      },
      { policy: 'latest', filter: changesOf(doc) },
    );
    await append(doc, 'a');
    await until(() => signals.has('a'), 'the first handler started');
    await append(doc, 'b');
    await until(() => finished.length === 1, 'the second handler finished');
    const first = signals.get('a')!;
    assert.equal(first.aborted, true, "the first handler's signal did not abort");
    assert.ok(isCancelledError(first.reason), String(first.reason));
    assert.match(String(first.reason.message), /superseded/);
    assert.deepEqual(finished, ['b']);
    assert.equal(signals.get('b')!.aborted, false);
  });

  bridgeTest('the drop policy ignores edits while a handler runs, and takes the next one after it ended', async () => {
    const doc = await tempDocument('start');
    const ran: string[] = [];
    let gate = new Gate();
    let running = false;
    bridge(
      rt,
      vscode.workspace.onDidChangeTextDocument,
      async (e, task) => {
        running = true;
        ran.push(inserted(e));
        await gate.wait(task);
        running = false;
      },
      { policy: 'drop', filter: changesOf(doc) },
    );
    await append(doc, 'a');
    await until(() => running, 'the first handler started');
    await append(doc, 'b');
    await append(doc, 'c');
    await delay(100);
    gate.set();
    await until(() => !running, 'the first handler ended');
    gate = new Gate();
    await append(doc, 'd');
    await until(() => ran.length === 2, 'the handler ran again');
    gate.set();
    assert.deepEqual(ran, ['a', 'd']);
    assert.equal(doc.getText(), 'startabcd');
  });

  bridgeTest('the debounce policy coalesces a burst of edits into one run with the last edit', async () => {
    const doc = await tempDocument('start');
    const ran: string[] = [];
    bridge(rt, vscode.workspace.onDidChangeTextDocument, (e) => void ran.push(inserted(e)), {
      policy: 'debounce',
      debounceMs: 800, // far longer than an edit's round trip, even on a loaded machine
      filter: changesOf(doc),
    });
    for (const piece of ['a', 'b', 'c', 'd']) await append(doc, piece);
    await until(() => ran.length > 0, 'the debounced handler ran');
    await delay(1000);
    assert.deepEqual(ran, ['d']);
    assert.equal(doc.getText(), 'startabcd');
  });

  bridgeTest('onWillSaveTextDocument applies the edits an async handler returns before the file is written', async () => {
    const doc = await tempDocument('body\n', 'save');
    await append(doc, 'more\n');
    assert.equal(doc.isDirty, true);
    let reason: vscode.TextDocumentSaveReason | undefined;
    events(rt).onWillSaveTextDocument(
      async (e, task) => {
        reason = e.reason;
        await sleep(150, task); // the edits come after an await: waitUntil got the promise synchronously
        return [vscode.TextEdit.insert(new vscode.Position(0, 0), '// header\n')];
      },
      { filter: (e) => e.document.uri.toString() === doc.uri.toString() },
    );
    assert.equal(await doc.save(), true, 'the save failed');
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(doc.uri));
    assert.equal(onDisk, '// header\nbody\nmore\n');
    assert.equal(doc.isDirty, false, 'the edits were applied after the save');
    assert.equal(reason, vscode.TextDocumentSaveReason.Manual);
  });

  bridgeTest('a will-save handler over its budget is cancelled, and the save goes ahead without its edits', async () => {
    const doc = await tempDocument('body\n', 'save');
    await append(doc, 'more\n');
    const reported: { error: unknown; source: BridgeErrorSource }[] = [];
    let signal: AbortSignal | undefined;
    events(rt).onWillSaveTextDocument(
      async function addHeader(_e, task) {
        signal = task.signal;
        await sleep(10_000, task);
        return [vscode.TextEdit.insert(new vscode.Position(0, 0), '// too late\n')];
      },
      {
        budgetMs: 300,
        filter: (e) => e.document.uri.toString() === doc.uri.toString(),
        onError: (error, source) => reported.push({ error, source }),
      },
    );
    const started = Date.now();
    assert.equal(await doc.save(), true, 'the save failed');
    const took = Date.now() - started;
    assert.ok(took < 1500, `the save took ${took} ms: longer than VS Code's budget`);
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(doc.uri)), 'body\nmore\n');
    await until(() => signal?.aborted === true, "the handler's task was cancelled");
    assert.equal(reported.length, 1);
    assert.equal((reported[0]!.error as Error).name, 'TimeoutError');
    assert.match((reported[0]!.error as Error).message, /"addHeader" did not finish within 300 ms/);
    assert.equal(reported[0]!.source.name, 'addHeader');
  });

  bridgeTest('tokenToSignal aborts when the token is cancelled, listens only once read, and removes its listener', async () => {
    const a = countedToken();
    const converted = tokenToSignal(a.token);
    assert.equal(a.live(), 0, 'it listened before the signal was read');
    const signal = converted.signal;
    assert.equal(a.live(), 1);
    assert.equal(signal.aborted, false);
    a.source.cancel();
    assert.equal(signal.aborted, true);
    assert.ok(isCancelledError(signal.reason));
    assert.equal(a.live(), 0, 'the listener stayed after the token fired');
    converted.dispose();

    const b = countedToken();
    const disposed = tokenToSignal(b.token);
    const unaborted = disposed.signal;
    assert.equal(b.live(), 1);
    disposed.dispose();
    assert.equal(b.live(), 0, 'dispose() left the listener on the token');
    b.source.cancel();
    assert.equal(unaborted.aborted, false);

    const c = countedToken();
    c.source.cancel();
    assert.equal(tokenToSignal(c.token).signal.aborted, true, 'an already cancelled token gave a live signal');
    assert.equal(c.live(), 0);

    // As a runtime parent: the token cancels a runtime wait.
    const d = countedToken();
    const dSignal = tokenToSignal(d.token);
    const waiting = sleep(10_000, dSignal.signal);
    d.source.cancel();
    await assert.rejects(waiting, (error) => isCancelledError(error));
    dSignal.dispose();
    assert.equal(d.live(), 0);
  });

  bridgeTest('signalToToken cancels the VS Code token when the signal aborts, and removes its abort listener', () => {
    const controller = new AbortController();
    const converted = signalToToken(controller.signal);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
    let fired = 0;
    converted.token.onCancellationRequested(() => fired++);
    assert.equal(converted.token.isCancellationRequested, false);
    controller.abort();
    assert.equal(converted.token.isCancellationRequested, true);
    assert.equal(fired, 1);
    converted.dispose();
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);

    const other = new AbortController();
    const disposed = signalToToken(other.signal);
    disposed.dispose();
    assert.equal(getEventListeners(other.signal, 'abort').length, 0, 'dispose() left the abort listener');
    other.abort();
    assert.equal(disposed.token.isCancellationRequested, false);

    const aborted = new AbortController();
    aborted.abort();
    assert.equal(signalToToken(aborted.signal).token.isCancellationRequested, true);
  });

  bridgeTest('cancelling a runtime task closes the quick pick it opened with a token from callWithToken', async () => {
    let open = false;
    const task = rt.startSoon(async (task) => {
      open = true;
      const picked = await callWithToken(task, (token) => vscode.window.showQuickPick(['one', 'two'], { placeHolder: 'bridge test' }, token));
      open = false;
      return picked;
    }, 'pick');
    await delay(500);
    assert.equal(open, true, 'the quick pick did not stay open');
    const cancelled = Date.now();
    task.cancel('the user moved on');
    assert.equal(await task, undefined);
    assert.ok(Date.now() - cancelled < 3000, 'the quick pick did not close when the task was cancelled');
    assert.equal(getEventListeners(task.signal, 'abort').length, 0, 'the abort listener was left on the task');
  });

  bridgeTest('withToken cancels the runtime work when VS Code cancels the token, and removes its listener', async () => {
    const a = countedToken();
    let started = false;
    let signal: AbortSignal | undefined;
    const result = withToken(a.token, rt, async (scope) => {
      started = true;
      signal = scope.signal;
      await sleep(10_000, scope);
      return 'finished';
    });
    await until(() => started, 'the work started');
    assert.equal(a.live(), 1);
    const cancelled = Date.now();
    a.source.cancel();
    assert.equal(await result, undefined);
    assert.ok(Date.now() - cancelled < 1000);
    assert.equal(signal?.aborted, true);
    assert.equal(a.live(), 0, 'the listener stayed on the token');

    const b = countedToken();
    assert.equal(await withToken(b.token, rt, () => 'value'), 'value');
    assert.equal(b.live(), 0);

    // The other way round: closing the runtime cancels the work, and that is an error for the caller.
    const c = countedToken();
    const running = withToken(c.token, rt, (scope) => sleepForever(scope));
    await delay(20);
    await rt.close();
    await assert.rejects(running, (error) => isCancelledError(error));
    assert.equal(c.live(), 0);
  });

  bridgeTest('an async handler that throws reports to onError with its name, and no rejection goes unhandled', async () => {
    const doc = await tempDocument('start');
    const reported: { error: unknown; source: BridgeErrorSource }[] = [];
    const unexpected: unknown[] = [];
    const previous = setUnexpectedErrorHandler((error) => unexpected.push(error));
    try {
      bridge(
        rt,
        vscode.workspace.onDidChangeTextDocument,
        async function formatOnChange(_e, task) {
          await sleep(10, task);
          throw new Error('the formatter crashed');
        },
        { filter: changesOf(doc), onError: (error, source) => reported.push({ error, source }), policy: 'latest' },
      );
      await append(doc, 'a');
      await append(doc, 'b');
      await until(() => reported.length >= 1, 'the error was reported');
      await delay(300); // unhandled rejections are announced once the microtask queue drained
      assert.equal((reported[0]!.error as Error).message, 'the formatter crashed');
      assert.equal(reported[0]!.source.name, 'formatOnChange');
      assert.equal(reported[0]!.source.task?.name, 'formatOnChange');
      assert.deepEqual(unexpected, []);
      assert.deepEqual(unhandled, []);
    } finally {
      setUnexpectedErrorHandler(previous);
    }
  });

  bridgeTest("without onError, a handler's error goes to the scope's reporter and the scope keeps running", async () => {
    const doc = await tempDocument('start');
    const errors: { error: unknown; task?: string }[] = [];
    const own = createRuntime({ name: 'reporting', onError: (error, task) => errors.push({ error, task: task?.name }) });
    const ran: string[] = [];
    await own.openTaskGroup(async (group) => {
      bridge(group, vscode.workspace.onDidChangeTextDocument, function indexDocument(e) {
        ran.push(inserted(e));
        if (inserted(e) === 'a') throw new Error('the index is locked');
      }, { filter: changesOf(doc) });
      await append(doc, 'a');
      await until(() => errors.length === 1, 'the error was reported');
      await append(doc, 'b');
      await until(() => ran.length === 2, 'the next event was handled');
      group.cancel('done');
    });
    assert.equal((errors[0]!.error as Error).message, 'the index is locked');
    assert.equal(errors[0]!.task, 'indexDocument');
    await own.close();
  });

  bridgeTest("a handler's error in Simul's own runtime reaches its error reporter with the handler's name", async () => {
    const ext = vscode.extensions.getExtension<Api>('simul.simul');
    assert.ok(ext);
    const api = await ext.activate();
    const doc = await tempDocument('start');
    const reported = new Promise<{ where: string; message: string; task?: { name: string } }>((resolve) => {
      const sub = api.onDidReportError((e) => {
        sub.dispose();
        resolve(e);
      });
    });
    const subscription = api.events().onDidChangeTextDocument(
      async function renderPreview() {
        throw new Error('the preview failed');
      },
      { filter: changesOf(doc) },
    );
    try {
      await append(doc, 'a');
      const e = await reported;
      assert.equal(e.message, 'the preview failed');
      assert.equal(e.task?.name, 'renderPreview');
      assert.match(e.where, /task "renderPreview"/);
    } finally {
      subscription.dispose();
    }
  });

  bridgeTest('closing the scope removes the VS Code listeners and cancels the running handlers', async () => {
    const doc = await tempDocument('start');
    const change = counted(vscode.workspace.onDidChangeTextDocument);
    const save = counted(vscode.workspace.onDidSaveTextDocument);
    const baseline = liveBridgeSubscriptionCount();
    let signal: AbortSignal | undefined;
    bridge(
      rt,
      change.event,
      async (_e, task) => {
        signal = task.signal;
        await sleepForever(task);
      },
      { filter: changesOf(doc) },
    );
    bridge(rt, save.event, () => undefined);
    const on = events(rt);
    on.onDidChangeConfiguration(() => undefined);
    on.watchFiles(new vscode.RelativePattern(tmpDir, '*.never'), { onCreate: () => undefined });
    assert.equal(change.live(), 1);
    assert.equal(save.live(), 1);
    assert.equal(liveBridgeSubscriptionCount(), baseline + 4);
    assert.ok(rt.tasks().some((t) => t.name === 'listening: watchFiles(*.never)'), 'the subscription is not in the task tree');

    await append(doc, 'a');
    await until(() => signal !== undefined, 'the handler started');
    await rt.close();

    assert.equal(change.live(), 0, 'the change listener was left behind');
    assert.equal(save.live(), 0, 'the save listener was left behind');
    assert.equal(liveBridgeSubscriptionCount(), baseline);
    assert.equal(signal!.aborted, true, 'the running handler was not cancelled');
    assert.deepEqual(rt.tasks(), []);
    assert.throws(() => bridge(rt, change.event, () => undefined), /closed to new tasks/);
    assert.equal(change.live(), 0);
  });

  bridgeTest('a task group listens until it is cancelled, and disposing one subscription removes only its own', async () => {
    const doc = await tempDocument('start');
    const change = counted(vscode.workspace.onDidChangeTextDocument);
    const save = counted(vscode.workspace.onDidSaveTextDocument);
    const ran: string[] = [];
    let signal: AbortSignal | undefined;
    let ready!: (group: TaskGroup) => void;
    const opened = new Promise<TaskGroup>((resolve) => (ready = resolve));
    let saves: vscode.Disposable | undefined;
    let groupEnded = false;
    const group = rt
      .openTaskGroup(async (group) => {
        bridge(
          group,
          change.event,
          async (e, task) => {
            ran.push(inserted(e));
            signal = task.signal;
            await sleepForever(task);
          },
          { filter: changesOf(doc) },
        );
        saves = bridge(group, save.event, () => undefined);
        ready(group);
      })
      .finally(() => (groupEnded = true));
    const g = await opened;
    saves!.dispose();
    assert.equal(save.live(), 0);
    assert.equal(change.live(), 1);
    await append(doc, 'a');
    await until(() => ran.length === 1, 'the handler started');
    await delay(50);
    assert.equal(groupEnded, false, 'the group ended while its subscription was listening');
    g.cancel('the app closed');
    await group;
    assert.equal(change.live(), 0);
    assert.equal(signal!.aborted, true);
  });

  bridgeTest('a disposed subscription cancels its running handler and drops a pending debounced run', async () => {
    const doc = await tempDocument('start');
    const change = counted(vscode.workspace.onDidChangeTextDocument);
    let signal: AbortSignal | undefined;
    const running = bridge(
      rt,
      change.event,
      async (_e, task) => {
        signal = task.signal;
        await sleepForever(task);
      },
      { filter: changesOf(doc) },
    );
    const ran: string[] = [];
    const debounced = bridge(rt, vscode.workspace.onDidChangeTextDocument, (e) => void ran.push(inserted(e)), {
      debounceMs: 200,
      filter: changesOf(doc),
    });
    await append(doc, 'a');
    await until(() => signal !== undefined, 'the handler started');
    running.dispose();
    debounced.dispose();
    assert.equal(change.live(), 0);
    assert.equal(signal!.aborted, true);
    await delay(400);
    assert.deepEqual(ran, [], 'the debounced run happened after dispose');
    assert.equal(rt.liveTasks, 0);
  });

  bridgeTest('a file system watcher reports a file created in the workspace', async () => {
    const created: string[] = [];
    events(rt).watchFiles(new vscode.RelativePattern(tmpDir, 'watch-*.txt'), {
      onCreate: async (uri, task) => {
        await sleep(1, task);
        created.push(uri.toString());
      },
    });
    await delay(300); // let the watcher start on the server
    const uri = vscode.Uri.joinPath(tmpDir, `watch-${Date.now()}.txt`);
    tempFiles.push(uri);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('hello'));
    await until(() => created.includes(uri.toString()), `the watcher reported ${uri.toString()}`);
  });

  bridgeTest('a configuration change reaches its handler', async () => {
    const config = () => vscode.workspace.getConfiguration('editor');
    const seen: number[] = [];
    events(rt).onDidChangeConfiguration(
      async function fontSizeChanged(_e, task) {
        await sleep(1, task);
        seen.push(config().get<number>('fontSize') ?? 0);
      },
      { filter: (e) => e.affectsConfiguration('editor.fontSize') },
    );
    try {
      await config().update('fontSize', 19, vscode.ConfigurationTarget.Global);
      await until(() => seen.includes(19), 'the change was seen');
    } finally {
      await config().update('fontSize', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  bridgeTest('the events table delivers editor, selection, diagnostics and terminal events', async () => {
    const doc = await tempDocument('one\ntwo\n', 'editor');
    const on = events(rt);
    const editors: string[] = [];
    const selections: string[] = [];
    const diagnostics: string[] = [];
    const terminals: string[] = [];
    on.onDidChangeActiveTextEditor((editor) => void (editor && editors.push(editor.document.uri.toString())));
    on.onDidChangeTextEditorSelection((e) => void selections.push(`${e.textEditor.document.uri.toString()}@${e.selections[0]!.active.line}`));
    on.onDidChangeDiagnostics((e) => void diagnostics.push(...e.uris.map(String)));
    on.onDidOpenTerminal((t) => void terminals.push(`open ${t.name}`));
    on.onDidCloseTerminal((t) => void terminals.push(`close ${t.name}`));

    const editor = await vscode.window.showTextDocument(doc);
    await until(() => editors.includes(doc.uri.toString()), 'the active editor change was seen');
    editor.selection = new vscode.Selection(1, 0, 1, 3);
    await until(() => selections.includes(`${doc.uri.toString()}@1`), 'the selection change was seen');
    const collection = vscode.languages.createDiagnosticCollection('bridge-test');
    try {
      collection.set(doc.uri, [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 3), 'a test diagnostic')]);
      await until(() => diagnostics.includes(doc.uri.toString()), 'the diagnostics change was seen');
    } finally {
      collection.dispose();
    }
    const writes = new vscode.EventEmitter<string>();
    const terminal = vscode.window.createTerminal({ name: 'bridge test', pty: { onDidWrite: writes.event, open: () => undefined, close: () => undefined } });
    await until(() => terminals.includes('open bridge test'), 'the terminal opening was seen');
    terminal.dispose();
    await until(() => terminals.includes('close bridge test'), 'the terminal closing was seen');
    writes.dispose();
  });
});
