import { formatDuration } from '../cli/progress.js';
import type { PlanProgress } from './plan.js';

/** What plan's progress line says beside the bar: "candidates, 31 dropped early, 700 replications, 1m05s left". */
export function planProgressDetail(p: PlanProgress): string {
  const left = p.candidatesDone >= p.candidates ? 'done' : `${formatDuration(p.etaMs)} left`;
  return `candidates, ${p.dropped} dropped early, ${p.replicationsRun} replications, ${left}`;
}
