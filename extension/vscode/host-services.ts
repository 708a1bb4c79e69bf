/**
 * The seam between Simul's activation (./activate.ts, the same in every extension host) and what differs per host:
 * the Node extension host (desktop, remote, code-server: ./host-services.node.ts, entry ./main.ts) has worker
 * threads, `perf_hooks`, a file system and child processes; VS Code's web worker extension host (vscode.dev, or the
 * browser side of a remote: ./host-services.web.ts, entry ./main.browser.ts) has none of them.
 *
 * This module and everything ./activate.ts imports must stay free of Node: scripts/build.mjs bundles them for the
 * browser and fails on any `node:` import.
 */
import type * as vscode from 'vscode';
import type { DisposableStore } from '../runtime';
import type { NodeOnlySampleEntry, Sample } from '../samples/catalogue';
import type { AppHost } from './app-host';
import type { ErrorReporter } from './error-reporter';
import type { WorkspaceAppsBase as WorkspaceApps } from './workspace-apps-core';
import type { WorkspaceAppHost } from './workspace-host';

/** Which extension host Simul runs in: Node (desktop, remote, code-server) or VS Code's web worker host. */
export type HostKind = 'node' | 'web';

/** Something this host cannot do, and why (completes "… is not available: <reason>"). */
export interface Unavailable {
  readonly unavailable: string;
}

/** Whether a service is {@link Unavailable}. */
export function isUnavailable<T extends object>(service: T | Unavailable): service is Unavailable {
  return 'unavailable' in service && typeof service.unavailable === 'string';
}

/** Event-loop delay of the extension host over one second (p50 / p99 / max of that second, in ms). */
export interface LoopDelaySample {
  readonly at: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Samples the event-loop delay once a second while anybody listens (the Task Monitor's chart). */
export interface LoopDelaySource extends vscode.Disposable {
  onDidSample(listener: (sample: LoopDelaySample) => void): { dispose(): void };
}

/** What building the workspace's apps needs from activation. */
export interface WorkspaceAppsSetup {
  readonly context: vscode.ExtensionContext;
  readonly reg: DisposableStore;
  readonly log: vscode.LogOutputChannel;
  readonly reporter: ErrorReporter;
  /** The module apps import as `simul` (extension/simul.ts). */
  readonly simul: object;
}

/** Workspace apps (`*.app.ts` in `simul.appsFolder`): built, loaded and watched. */
export interface WorkspaceAppsService {
  /** Makes the builder (nothing is built, and no compiler loaded, until an app is opened); registers its own commands in `setup.reg`. */
  createApps(setup: WorkspaceAppsSetup): WorkspaceApps;
  /** Lists the workspace's apps in `host` and keeps them running the code on disk. */
  createHost(setup: WorkspaceAppsSetup, host: AppHost, apps: WorkspaceApps): WorkspaceAppHost;
}

/** Everything activation needs that depends on the extension host. */
export interface HostServices {
  readonly kind: HostKind;
  /** Runs first: prepares the runtime for this host (Node: where the worker files are; the thread pool's end). */
  prepare(context: vscode.ExtensionContext, reg: DisposableStore): void;
  /** The built-in samples in order: those this host runs, and those it lists only, with why (they need Node). */
  readonly samples: readonly (Sample | NodeOnlySampleEntry)[];
  /** Debug mode's stall watchdog: where its worker file is, or why there is none. */
  stallWatchdog(context: vscode.ExtensionContext): { readonly workerDirectory: string } | Unavailable;
  /** The Task Monitor's event-loop delay, or why it cannot be measured here. */
  createLoopDelay(): LoopDelaySource | Unavailable;
  /** Workspace apps, or why this host has none. */
  readonly workspaceApps: WorkspaceAppsService | Unavailable;
}

/** The start of every "needs Node" sentence the user sees. */
export const NEEDS_NODE_HOST = 'needs the desktop or remote extension host';
