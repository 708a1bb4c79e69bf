/**
 * What a control renderer is and what it is given. One renderer module per kind (or small group of kinds)
 * under webview/controls/, registered in `controls/index.ts` by the catalogue's kind.
 *
 * The renderer (webview/renderer.ts) owns the wrapper element of every control and the common properties
 * (visible, disabled, loading, error, tooltip); a control draws only its own properties. It is created
 * once, then told which properties changed (`update`), each frame at most once. Heavy drawing (tables,
 * charts) asks for `paint()` at the next animation frame instead of drawing in `update`.
 */

import type { ControlKind, PropsOf } from '../../extension/protocol/catalogue';
import type { LocalEdit } from '../../extension/protocol/page-model';
import type { ProtocolObject, ProtocolValue } from '../../extension/protocol/messages';
import type { Theme } from '../theme';

/** What a control may ask of the renderer. */
export interface ControlContext<K extends ControlKind = ControlKind> {
  /** The control's id in the protocol. */
  readonly id: string;
  readonly kind: K;
  /** A prefix unique in the page for DOM ids this control creates (control ids may hold any character). */
  readonly domId: string;
  /** The current value of a property (checked against the catalogue; its default when absent or invalid). */
  prop<P extends keyof PropsOf<K> & string>(name: P): PropsOf<K>[P];
  /** A property by a computed name (e.g. a chart's `y3`), as `prop` gives it, untyped. */
  raw(name: string): ProtocolValue;
  /**
   * Sends an event to the host. For the catalogue's edit events (`edits`) the payload's `value` is the
   * property's new value: the page model keeps it (echo rule) and `prop()` returns it at once. `edit`
   * overrides that for an event that changes another property locally. Nothing is sent while the control
   * is disabled or while the renderer applies the host's own changes (a toolkit element echoing them).
   */
  emit(name: string, payload: ProtocolObject, edit?: LocalEdit): void;
  /** Asks for `paint()` at the next animation frame (several requests in one frame paint once). */
  requestPaint(): void;
  readonly theme: Theme;
}

/** Where a container's child controls go. `element`s are the children's wrappers. */
export interface ChildSlot {
  /** Puts `element` at `index` among the slot's children (it is not among them). */
  insert(index: number, element: HTMLElement): void;
  /** Takes `element` out of the slot (it is among them). */
  remove(element: HTMLElement): void;
}

/** One drawn control. */
export interface Control {
  /** The control's own element; the renderer puts it inside the control's wrapper. */
  readonly element: HTMLElement;
  /** The element that takes focus and carries the accessible name (default `element`). */
  readonly focusTarget?: HTMLElement;
  /** For containers: where the children go. */
  readonly children?: ChildSlot;
  /** Draws the properties in `changed` (all of them right after creation). Keeps what the user is editing. */
  update(changed: ReadonlySet<string>): void;
  /** Heavy drawing, at most once per animation frame, after `requestPaint()`. */
  paint?(): void;
  /** The common `disabled` property (default: the `disabled` attribute on `focusTarget`). */
  setDisabled?(disabled: boolean): void;
  /** The common `loading` property, drawn by the control itself (default: a spinner in the wrapper). The wrapper is aria-busy either way. */
  setLoading?(loading: boolean): void;
  /** The control leaves the page: release what it holds (object URLs, observers). */
  dispose?(): void;
}

/** Creates the control of one kind. */
export type ControlFactory<K extends ControlKind> = (ctx: ControlContext<K>) => Control;

/** The registry: one factory for every kind of the catalogue. */
export type ControlRegistry = { readonly [K in ControlKind]: ControlFactory<K> };
