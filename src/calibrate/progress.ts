import type { FitProgress } from './fit.js';

const short = (v: number) => Number(v.toPrecision(4)).toString();

/** A fit's progress line: "calibrate fit: evaluation 12/200, loss 0.41 (best 0.36) service.walkCpuPerFileMs=0.0162". */
export function describeProgress(p: FitProgress): string {
  const best = Object.entries(p.best)
    .map(([name, value]) => `${name}=${short(value)}`)
    .join(' ');
  return `calibrate ${p.phase}: evaluation ${p.evaluation}/${p.maxEvaluations}, loss ${short(p.loss)} (best ${short(p.bestLoss)}) ${best}`;
}
