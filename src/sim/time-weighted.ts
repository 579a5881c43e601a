/**
 * The time integral of a piecewise-constant level (jobs in system, busy
 * servers, memory in use): gives time averages such as L in Little's law.
 */
export class TimeWeighted {
  private level = 0;
  private lastTime: number;
  private area = 0;
  private readonly startTime: number;

  constructor(startTime = 0, initial = 0) {
    this.startTime = startTime;
    this.lastTime = startTime;
    this.level = initial;
  }

  get current(): number {
    return this.level;
  }

  /** Sets the level from `time` on. */
  set(time: number, level: number): void {
    this.area += this.level * (time - this.lastTime);
    this.lastTime = time;
    this.level = level;
  }

  add(time: number, delta: number): void {
    this.set(time, this.level + delta);
  }

  /** Integral of the level from the start to `time`. */
  integral(time: number): number {
    return this.area + this.level * (time - this.lastTime);
  }

  /** Time-average level from the start to `time`. */
  average(time: number): number {
    const span = time - this.startTime;
    return span > 0 ? this.integral(time) / span : this.level;
  }
}
