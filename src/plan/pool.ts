import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { SimulationBudgetError } from '../model/simulation-budget.js';
import { packagePath } from '../package-root.js';
import { runReplicationTask, type ReplicationTask, type ReplicationTaskResult } from './replication-task.js';

/**
 * Where plan replications run: on this thread (threads = 1) or on a piscina
 * pool of worker threads. Either way a task's result depends only on the
 * task, so the plan is the same on any number of threads.
 */
export interface ReplicationRunner {
  readonly threads: number;
  /** Tasks worth keeping in flight to keep every thread busy. */
  readonly concurrency: number;
  run(task: ReplicationTask): Promise<ReplicationTaskResult>;
  close(): Promise<void>;
}

export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * The threads a plan runs on: what was asked for, at most the machine's cores. More threads than cores
 * run no faster (replications are CPU-bound) and each costs a V8 isolate's memory (about 40 MB); results
 * are the same on any count, so lowering the count changes nothing but memory.
 */
export function threadsFor(requested: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(requested, cores));
}

/** The compiled worker script (tests run TypeScript, but worker threads load dist/). */
export function workerScriptPath(): string {
  return packagePath('dist', 'src', 'plan', 'worker.js');
}

/**
 * Runs tasks one at a time on the calling thread, each in its own macrotask
 * so that completion callbacks (progress, next batches) run in between.
 */
class InlineRunner implements ReplicationRunner {
  readonly threads = 1;
  readonly concurrency = 1;
  private readonly queue: Array<() => void> = [];
  private busy = false;

  run(task: ReplicationTask): Promise<ReplicationTaskResult> {
    return new Promise((resolve, reject) => {
      this.queue.push(() => {
        try {
          resolve(runReplicationTask(task));
        } catch (error) {
          reject(error);
        }
      });
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    setImmediate(() => {
      const job = this.queue.shift()!;
      job();
      this.busy = false;
      this.pump();
    });
  }

  async close(): Promise<void> {}
}

class PoolRunner implements ReplicationRunner {
  readonly concurrency: number;
  private readonly pool: Piscina;

  constructor(readonly threads: number) {
    const filename = workerScriptPath();
    if (!existsSync(filename)) throw new Error(`plan worker script ${filename} is missing: build with "npx tsc -p ." first`);
    this.pool = new Piscina({ filename, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
    this.concurrency = threads * 2;
  }

  run(task: ReplicationTask): Promise<ReplicationTaskResult> {
    return this.pool.run(task) as Promise<ReplicationTaskResult>;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** A task's result, or the simulation budget's one line as the error it is on this thread. */
function checked(result: ReplicationTaskResult): ReplicationTaskResult {
  if (result.budgetExceeded !== undefined) throw new SimulationBudgetError(result.budgetExceeded);
  return result;
}

/** A runner with `threads` threads (1: this thread, no workers). */
export function createRunner(threads: number): ReplicationRunner {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new RangeError(`threads must be a whole number >= 1, got ${threads}`);
  const runner = threads === 1 ? new InlineRunner() : new PoolRunner(threads);
  return {
    threads: runner.threads,
    concurrency: runner.concurrency,
    run: (task) => runner.run(task).then(checked),
    close: () => runner.close(),
  };
}
