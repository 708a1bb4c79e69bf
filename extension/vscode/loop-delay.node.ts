/** The Task Monitor's event-loop delay chart in the Node extension host (`perf_hooks`: the web host has none). */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Emitter } from '../runtime';
import type { LoopDelaySample, LoopDelaySource } from './host-services';

/**
 * Measures how late the extension host's event loop runs, with `perf_hooks.monitorEventLoopDelay`, while
 * someone listens (the Task Monitor's chart): no cost when nobody does.
 */
export class LoopDelayMonitor implements LoopDelaySource {
  private histogram: IntervalHistogram | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly _onDidSample = new Emitter<LoopDelaySample>();
  private listeners = 0;

  /** Listens to one sample a second; the monitor runs while anybody listens. */
  onDidSample(listener: (sample: LoopDelaySample) => void): { dispose(): void } {
    const sub = this._onDidSample.event(listener);
    if (this.listeners++ === 0) this.start();
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        sub.dispose();
        if (--this.listeners === 0) this.stop();
      },
    };
  }

  private start(): void {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    this.histogram = histogram;
    this.timer = setInterval(() => {
      const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
      this._onDidSample.fire({ at: Date.now(), p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) });
      histogram.reset();
    }, 1000);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.histogram?.disable();
    this.histogram = undefined;
  }

  dispose(): void {
    this.stop();
    this._onDidSample.dispose();
  }
}
