import type { Scheduler } from '../sim/scheduler.js';
import type { Instance } from './instance.js';

/**
 * Samples every instance's CPU and iowait (and settles CPU credits) once a
 * simulated second while the run lasts, and once more when it ends.
 */
export class InstanceSampler {
  private running = true;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly instances: readonly Instance[],
  ) {
    scheduler.after(1000, this.tick);
  }

  private readonly tick = (): void => {
    for (const instance of this.instances) instance.tick();
    if (this.running) this.scheduler.after(1000, this.tick);
  };

  /** The run is over: a last sample, and no more. */
  stop(): void {
    this.running = false;
    for (const instance of this.instances) instance.tick();
  }
}
