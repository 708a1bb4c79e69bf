/**
 * The app framework (host side), a pure layer: no `vscode`, no DOM. An app author writes
 * `defineApp({ id, title, setup })` and builds controls with `ui`; `mountApp` runs it on the runtime,
 * following reactive state into the views through the protocol's outbox. `testing.ts` (imported on its
 * own) runs an app headless, through the real protocol. See docs/apps.md.
 *
 * - `define.ts`    `defineApp`, the `AppContext` setup receives, error reports
 * - `ui.ts`        the builders: one per kind in the catalogue, `ui.each`, `ui.dynamic`
 * - `control.ts`   controls: properties, handlers and their policies, lifecycle, tasks, children
 * - `instance.ts`  `mountApp`: the instance, its task group, its views (one outbox each)
 * - `sources.ts`   what a property may be given (plain, State, Computed, function, async formula)
 * - `streams.ts`   the host's buffers of streamed properties (table rows, chart series)
 */

export { defineApp, type AppContext, type AppDefinition, type AppErrorReport, type ErrorPhase, type SetupResult } from './define';
export { ui, type ContainerBuilder, type ContainerKind, type LeafBuilder, type Ui } from './ui';
export {
  Control,
  Fragment,
  LineChartControl,
  TableControl,
  handlerKey,
  type Child,
  type Children,
  type CommonOptions,
  type ControlOf,
  type ControlOptions,
  type DynamicChildren,
  type Handler,
  type HandlerInput,
  type HandlerInputs,
  type HandlerPolicy,
  type HandlerSpec,
  type ItemKey,
  type ItemsSource,
  type MountHook,
  type PropInputs,
  type StreamOptions,
} from './control';
export {
  appDiagnostics,
  mountApp,
  type AppDebugCounts,
  type AppDiagnostics,
  type AppInstance,
  type AppStatistics,
  type HotEdit,
  type HotState,
  type MountOptions,
  type RefusedMessage,
  type ViewConnection,
  type ViewOptions,
  type ViewStatistics,
} from './instance';
export { errorText, isAsyncReadable, isReadable, isWritable, sourceKind, type PropInput, type SourceKind } from './sources';
