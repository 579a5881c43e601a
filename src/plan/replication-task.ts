import type { AutoscalingPolicy } from '../model/autoscaling/policy.js';
import type { ModelParameters } from '../model/parameters.js';
import { replicate, type ReplicationResult } from '../model/replication.js';
import { resolveSizing, type SizingRequest } from '../model/sizing.js';
import { SimulationBudgetError } from '../model/simulation-budget.js';
import { stackConfig } from '../model/stack.js';
import type { Scenario } from '../scenario/types.js';

/**
 * One unit of plan work: some replications of one sizing. Plain data only,
 * so it crosses to a worker thread by structured clone and back unchanged
 * (numbers, NaN included, survive the copy bit for bit).
 */
export interface ReplicationTask {
  /** The candidate's index in the grid (the caller's bookkeeping). */
  candidate: number;
  request: SizingRequest;
  /** The candidate's autoscaling, resolved for its sizing. */
  autoscaling: AutoscalingPolicy;
  scenario: Scenario;
  params: ModelParameters;
  seed: number;
  /** Replication indexes to run, e.g. [3, 4, 5]. */
  indexes: number[];
}

export interface ReplicationTaskResult {
  candidate: number;
  indexes: number[];
  runs: ReplicationResult[];
  /** A replication left the simulation budget: its one-line message (an error's class does not cross threads). */
  budgetExceeded?: string;
}

/**
 * Runs a task where it is called (the worker script and the one-thread
 * runner both use this). Replication r runs exactly as `capsim predict` runs
 * it, `replicate(input, r)` from src/model/replication.ts, so plan figures
 * equal predict's (test/plan checks it). Workers import only src/model/, not
 * src/prediction/ (aggregation a worker does not need to load).
 */
export function runReplicationTask(task: ReplicationTask): ReplicationTaskResult {
  const input = { config: stackConfig(resolveSizing(task.request), task.scenario, task.params, task.autoscaling), params: task.params, seed: task.seed };
  try {
    return { candidate: task.candidate, indexes: task.indexes, runs: task.indexes.map((index) => replicate(input, index)) };
  } catch (error) {
    if (error instanceof SimulationBudgetError) return { candidate: task.candidate, indexes: task.indexes, runs: [], budgetExceeded: error.message };
    throw error;
  }
}
