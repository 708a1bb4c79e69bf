/**
 * The host's copy of streamed properties (table `rows`, chart `x` and `y0`…`y7`): growable buffers with
 * rollover, so that appending one item to a 100,000-item series costs O(1) amortised instead of copying
 * the whole series. The host needs the full value only for snapshots and reads, where it is copied out.
 */

import type { ProtocolValue } from '../protocol';

/** Keeps the newest `limit` items: the same rule as the page's `append` op (control-tree.ts). */
function keep(length: number, limit: number | undefined): number {
  return limit === undefined ? length : Math.min(length, limit);
}

/** A numeric series held as a window `[start, start + length)` of a larger `Float64Array`. */
export class SeriesBuffer {
  private _data: Float64Array;
  private _start = 0;
  private _length = 0;

  constructor(initial?: Float64Array) {
    this._data = new Float64Array(Math.max(16, initial?.length ?? 0));
    if (initial !== undefined) this.push(initial);
  }

  /** Number of items held. */
  get length(): number {
    return this._length;
  }

  /** Appends `items`, then keeps only the newest `limit` items when a limit is given. */
  push(items: Float64Array, limit?: number): void {
    const total = this._length + items.length;
    const kept = keep(total, limit);
    const fromItems = Math.min(kept, items.length);
    const fromOld = kept - fromItems;
    // Drop the oldest items first: they are never copied again.
    this._start += this._length - fromOld;
    this._length = fromOld;
    if (this._start + this._length + fromItems > this._data.length) this._compact(kept);
    this._data.set(items.subarray(items.length - fromItems), this._start + this._length);
    this._length += fromItems;
  }

  /** Replaces everything. */
  reset(items: Float64Array): void {
    this._start = 0;
    this._length = 0;
    if (this._data.length < items.length) this._data = new Float64Array(items.length);
    this.push(items);
  }

  /** A copy of the items, oldest first. */
  toArray(): Float64Array {
    return this._data.slice(this._start, this._start + this._length);
  }

  /** Moves the live window to the front, growing the storage to at least twice what it must hold. */
  private _compact(needed: number): void {
    if (needed * 2 > this._data.length) {
      const data = new Float64Array(Math.max(16, needed * 2));
      data.set(this._data.subarray(this._start, this._start + this._length), 0);
      this._data = data;
    } else {
      this._data.copyWithin(0, this._start, this._start + this._length);
    }
    this._start = 0;
  }
}

/** A list of items (table rows) held as a window of a larger array. */
export class ListBuffer {
  private _items: ProtocolValue[] = [];
  private _start = 0;

  constructor(initial?: readonly ProtocolValue[]) {
    if (initial !== undefined) this.push(initial);
  }

  /** Number of items held. */
  get length(): number {
    return this._items.length - this._start;
  }

  /** Appends `items`, then keeps only the newest `limit` items when a limit is given. */
  push(items: readonly ProtocolValue[], limit?: number): void {
    const total = this.length + items.length;
    const kept = keep(total, limit);
    const fromItems = Math.min(kept, items.length);
    const fromOld = kept - fromItems;
    this._start += this.length - fromOld;
    for (let i = items.length - fromItems; i < items.length; i++) this._items.push(items[i]);
    // Dead slots at the front are reclaimed once they outnumber the live ones.
    if (this._start > 1024 && this._start > this.length) {
      this._items = this._items.slice(this._start);
      this._start = 0;
    }
  }

  /** Replaces item `index` (0: the oldest held). Returns false when there is no such item. */
  replace(index: number, item: ProtocolValue): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return false;
    this._items[this._start + index] = item;
    return true;
  }

  /** Replaces everything. */
  reset(items: readonly ProtocolValue[]): void {
    this._items = [...items];
    this._start = 0;
  }

  /** A copy of the items, oldest first. */
  toArray(): ProtocolValue[] {
    return this._items.slice(this._start);
  }
}
