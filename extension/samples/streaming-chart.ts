/**
 * Streaming chart — mirrors Panel's streaming plot (a periodic callback calling `source.stream(data, rollover=500)`):
 * three series get a point every 50 ms (20 points a second; the slider sets the rate), and the chart keeps the
 * newest 500. The switch pauses and resumes: pausing stops the periodic task, resuming (or a new rate) starts
 * another. Only the new points travel to the view, not the whole series.
 */
import { defineApp, ui } from '../app';
import { effect, state } from '../reactive';

export const ROLLOVER = 500;

export default defineApp({
  id: 'streaming-chart',
  title: 'Streaming chart',
  setup(app) {
    const streaming = state(true);
    const rate = state(20); // points a second
    const pushed = state(0);
    const t0 = app.clock.now();
    let walk = 0;

    const chart = ui.lineChart({
      id: 'chart',
      title: 'Live signals',
      series: [{ name: 'sine' }, { name: 'cosine' }, { name: 'random walk' }],
      height: 260,
      onMount: (chart) => {
        const push = () => {
          const t = (app.clock.now() - t0) / 1000;
          walk += Math.random() - 0.5;
          chart.push(t, [Math.sin(t * 2), Math.cos(t * 1.3), walk / 5], { limit: ROLLOVER });
          pushed.value++;
        };
        // Re-runs when the switch or the rate changes: its cleanup stops the old periodic task.
        const follow = effect(() => {
          if (!streaming.value) return;
          const periodic = chart.every(1000 / rate.value, push, { name: `stream at ${rate.value}/s` });
          return () => periodic.stop();
        });
        return () => follow.dispose();
      },
    });

    return ui.column({ gap: 8 }, [
      ui.row({}, [
        ui.switch({ id: 'streaming', label: 'Streaming', checked: streaming }),
        ui.slider({ id: 'rate', label: 'Points a second', min: 1, max: 100, step: 1, value: rate }),
      ]),
      chart,
      ui.text({ id: 'pushed', variant: 'caption', text: () => `${pushed.value} points pushed; the chart keeps the newest ${ROLLOVER}` }),
    ]);
  },
});
