/**
 * What an app author writes: `defineApp({ id, title, setup })`, and the {@link AppContext} that `setup`
 * receives. The app's logic runs in the extension host; `setup` builds its controls once per instance.
 */

import type { AsyncFormula, AsyncFormulaOptions, Effect, EffectFn, EffectOptions, FormulaFn, FormulaValue, State } from '../reactive';
import type { Clock, Context, Disposable, EveryOptions, Periodic, Task } from '../runtime';
import type { Control, ErrorPhase } from './control';

export type { ErrorPhase } from './control';

/**
 * What an app's `setup` receives: the app's task scope and clock, and helpers whose work belongs to the
 * app instance (cancelled or disposed when it closes).
 */
export interface AppContext {
  /** The app's id (from its definition). */
  readonly id: string;
  /** The app's title. */
  readonly title: string;
  /** The instance's name (task tree, error messages). */
  readonly name: string;
  /** The clock of the app's runtime: pass it to `asyncFormula({ debounceMs, clock })`; tests use a virtual one. */
  readonly clock: Clock;
  /** The app's task group as a cancellation context: `sleep(ms, app.scope)` ends when the app closes. */
  readonly scope: Context;
  /** Aborted when the app closes: hand it to `fetch` and other foreign APIs. */
  readonly signal: AbortSignal;
  /**
   * Starts a task of the app (cancelled when the app closes). A failure is reported (phase `'task'`);
   * awaiting the task then gives `undefined`.
   */
  startSoon<T>(fn: (task: Task) => T | PromiseLike<T>, name?: string): Task<T | undefined>;
  /** Calls `fn` every `ms` as a task of the app (the runtime's `every`); a failing run stops it and is reported. */
  every(ms: number, fn: (task: Task, run: number) => unknown, options?: Omit<EveryOptions, 'scope'>): Periodic;
  /**
   * Waits `ms` on the app's clock. Ends early with a `CancelledError` when `cancel` (a task, a scope or an
   * `AbortSignal` such as an async formula's) is cancelled, or the app closes. Without `cancel`, inside a task of
   * the app (a handler) it is that task's wait, as every wait. The way to wait inside an `asyncFormula` so that tests
   * on a virtual clock control the time.
   */
  sleep(ms: number, cancel?: Context | AbortSignal): Promise<void>;
  /** An `asyncFormula` on the app's clock, disposed when the app closes. */
  formula<R>(fn: FormulaFn<R>, options: AsyncFormulaOptions & { mode: 'append' }): AsyncFormula<readonly FormulaValue<R>[]>;
  formula<R>(fn: FormulaFn<R>, options?: AsyncFormulaOptions & { mode?: 'replace' }): AsyncFormula<FormulaValue<R>>;
  /** An `effect` disposed when the app closes; its errors are reported (phase `'formula'`). */
  effect(fn: EffectFn, options?: EffectOptions): Effect;
  /** Disposes `thing` when the app closes (formulas, effects, watches, listeners). Returns it. */
  own<T extends Disposable>(thing: T): T;
  /**
   * A `State` that a hot reload keeps: when the app's code changes and the new instance replaces this one, its
   * `app.keep(key, …)` starts from this state's value — if the value still has the shape of `initial` (both
   * null, the same primitive type, both arrays, plain objects with the same keys, or objects of the same class;
   * functions and objects of the app's own classes are not kept). Each key once per instance.
   *
   * @example
   * const clicks = app.keep('clicks', 0); // still 3 after you edit and save the app's file
   */
  keep<T>(key: string, initial: T): State<T>;
  /** Calls `listener` with each error the app reports. */
  onError(listener: (report: AppErrorReport) => void): Disposable;
  /** Reports an error of yours as the app's (phase `'task'` unless given), naming the control if given. */
  reportError(error: unknown, where?: { readonly control?: Control; readonly phase?: ErrorPhase }): void;
}

/** What `setup` returns: the root control, or a list of controls (shown in a column). */
export type SetupResult = Control | readonly Control[];

/** An app: an id, a title and the function that builds its controls. Make one with {@link defineApp}. */
export interface AppDefinition {
  /** Unique among apps: letters, digits, `.`, `_`, `-` (starting with a letter or digit). */
  readonly id: string;
  /** Shown to users (panel title, error alert). */
  readonly title: string;
  /**
   * Builds the app's controls, synchronously, once per instance. State created here belongs to the
   * instance; start async work with `app.startSoon`. A throw shows an error alert instead of the app.
   */
  readonly setup: (app: AppContext) => SetupResult;
}

/**
 * An error an app reported, naming what failed and where: the app, the control (id and kind), the
 * property or task, and the phase.
 */
export interface AppErrorReport {
  /** The app's id. */
  readonly app: string;
  /** The instance's name. */
  readonly instance: string;
  /** When it happened: in `setup`, mounting or unmounting a control, a handler, a reactive property, a task. */
  readonly phase: ErrorPhase;
  /** The control's id, when a control is concerned. */
  readonly control?: string;
  /** The control's kind. */
  readonly kind?: string;
  /** The property, for a reactive property's error. */
  readonly prop?: string;
  /** The task's name, for a handler or task. */
  readonly task?: string;
  /** What was thrown. */
  readonly error: unknown;
  /** One line for logs: `Simul app "counter": click handler of button "root/button0" (task "root/button0 click") failed: boom`. */
  readonly message: string;
}

const APP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Defines an app. Checks the definition and freezes it.
 *
 * @example
 * export default defineApp({
 *   id: 'counter', title: 'Counter',
 *   setup(app) {
 *     const count = state(0);
 *     return ui.column({ gap: 8 }, [
 *       ui.button({ label: 'Add', onClick: () => count.value++ }),
 *       ui.text({ text: () => `Count ${count.value}` }),
 *     ]);
 *   },
 * });
 */
export function defineApp(definition: AppDefinition): AppDefinition {
  if (typeof definition !== 'object' || definition === null) throw new TypeError('defineApp: expected { id, title, setup }');
  const { id, title, setup } = definition;
  if (typeof id !== 'string' || !APP_ID.test(id)) {
    throw new TypeError(`defineApp: id must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit; got ${JSON.stringify(id)}`);
  }
  if (typeof title !== 'string' || title.length === 0 || title.length > 200) throw new TypeError(`defineApp("${id}"): title must be a string of 1 to 200 characters`);
  if (typeof setup !== 'function') throw new TypeError(`defineApp("${id}"): setup must be a function (app) => controls`);
  return Object.freeze({ id, title, setup });
}
