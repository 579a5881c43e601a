/**
 * capsim benchmarks: `npm run bench [-- --json] [-- --only kernel,...]`.
 * Figures are printed as ratios against a reference run in the same process;
 * nothing here is a pass/fail test.
 */
import { benchAlbImport } from './alb-import.js';
import { benchAutoscaling } from './autoscaling.js';
import { benchCalibrateRecovery } from './calibrate-recovery.js';
import { benchGenerator } from './generator.js';
import { benchKernel } from './kernel.js';
import { benchMemory } from './memory.js';
import { benchPlan } from './plan.js';
import { benchPredict } from './predict.js';
import { benchReport } from './report.js';
import { benchStartup } from './startup.js';

type BenchFn = () => Promise<Record<string, unknown>> | Record<string, unknown>;

const benches: Record<string, BenchFn> = {
  kernel: () => benchKernel() as unknown as Record<string, unknown>,
  predict: () => benchPredict() as unknown as Record<string, unknown>,
  autoscaling: () => benchAutoscaling() as unknown as Record<string, unknown>,
  generator: () => benchGenerator() as unknown as Promise<Record<string, unknown>>,
  plan: () => benchPlan() as unknown as Promise<Record<string, unknown>>,
  'calibrate-recovery': () => benchCalibrateRecovery(),
  'alb-import': () => benchAlbImport(),
  report: () => benchReport() as unknown as Promise<Record<string, unknown>>,
  startup: () => benchStartup() as unknown as Record<string, unknown>,
  memory: () => benchMemory() as unknown as Record<string, unknown>,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? args[onlyIndex + 1].split(',') : Object.keys(benches);
  const results: Record<string, unknown> = {};
  for (const name of only) {
    const bench = benches[name];
    if (!bench) {
      process.stderr.write(`capsim bench: unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}\n`);
      process.exitCode = 2;
      return;
    }
    if (!json) process.stderr.write(`running ${name}...\n`);
    results[name] = await bench();
    if (!json) process.stdout.write(`${name}: ${JSON.stringify(results[name], null, 2)}\n`);
  }
  if (json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

await main();
