/**
 * Report speed and size: the HTML report of the production-incident
 * prediction at 2 x c6a.xlarge / 12 tasks / 4 workers (10 replications, seed
 * 1, with the timeline `--report` asks for), as `capsim predict --report`
 * writes it. Prints the page's size, its chart count, the time to render it
 * the first time in a process (vega and vega-lite imported on first use
 * included) and again (warm), and the ratio of the warm render to the
 * prediction itself, run in the same process as the reference.
 */
import { loadCalibration } from '../src/calibrate/calibration-file.js';
import { predict } from '../src/prediction/predict.js';
import { resolveSizing } from '../src/model/sizing.js';
import { buildReportPage } from '../src/report/build-report.js';
import { renderPage } from '../src/report/page/page.js';
import { loadScenario } from '../src/scenario/load.js';

export interface ReportBench {
  bytes: number;
  kib: number;
  charts: number;
  predictMs: number;
  /** First render in the process: includes importing vega and vega-lite. */
  firstRenderMs: number;
  /** Median of 5 renders after the first. */
  renderMs: number;
  /** renderMs / predictMs. */
  ratio: number;
}

export async function benchReport(): Promise<ReportBench> {
  const sizing = resolveSizing({ instance: 'c6a.xlarge', tasks: 12, workers: 4, workerClass: 'gevent', algorithm: 'round_robin' });
  const scenario = loadScenario('production-incident');
  const calibration = loadCalibration();
  const input = { sizing, scenario, params: calibration.params, calibration: calibration.file.name, seed: 1, timeline: true };
  predict({ ...input, replications: 2 }); // warm-up
  const started = performance.now();
  const prediction = predict({ ...input, replications: 10 });
  const predictMs = performance.now() - started;
  const request = { inputs: [{ kind: 'prediction' as const, file: 'capsim predict --instance c6a.xlarge --tasks 12 --workers 4 --report r.html', data: prediction }] };
  const time = async () => {
    const t0 = performance.now();
    const page = await renderPage(buildReportPage(request));
    return { ms: performance.now() - t0, page };
  };
  const first = await time();
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) warm.push((await time()).ms);
  warm.sort((a, b) => a - b);
  const bytes = Buffer.byteLength(first.page.html);
  return {
    bytes,
    kib: Math.round(bytes / 1024),
    charts: first.page.charts.length,
    predictMs: Math.round(predictMs),
    firstRenderMs: Math.round(first.ms),
    renderMs: Math.round(warm[2]),
    ratio: Number((warm[2] / predictMs).toFixed(3)),
  };
}
