/**
 * A CloudWatch metric alarm as target tracking creates it: ALARM when at
 * least `datapointsToAlarm` of the last `evaluationPeriods` datapoints breach
 * the threshold (target tracking uses N of N: 3 of 3 above the target to scale
 * out, 15 of 15 below to scale in), OK when fewer do, INSUFFICIENT_DATA until
 * enough datapoints have been seen to decide. A missing datapoint (no task
 * reported) is skipped, neither breaching nor not, which is CloudWatch's
 * default treatment of missing data for these alarms. Application Auto
 * Scaling acts on every evaluation at which the alarm is in ALARM, not only on
 * the transition, so a policy keeps being invoked while the breach lasts.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export const ALARM_COMPARISONS = ['GreaterThanThreshold', 'LessThanThreshold'] as const;
export type AlarmComparison = (typeof ALARM_COMPARISONS)[number];

export interface AlarmOptions {
  name: string;
  comparison: AlarmComparison;
  threshold: number;
  evaluationPeriods: number;
  /** Default: evaluationPeriods (N of N). */
  datapointsToAlarm?: number;
}

/** A state change, for the record of what the alarm did over a run. */
export interface AlarmTransition {
  timeMs: number;
  state: AlarmState;
}

export class MetricAlarm {
  readonly name: string;
  readonly comparison: AlarmComparison;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  private readonly window: boolean[] = [];
  private current: AlarmState = 'INSUFFICIENT_DATA';
  readonly history: AlarmTransition[] = [];

  constructor(options: AlarmOptions) {
    const n = options.evaluationPeriods;
    const m = options.datapointsToAlarm ?? n;
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`${options.name}: evaluation periods must be a whole number >= 1, got ${n}`);
    if (!(Number.isInteger(m) && m >= 1 && m <= n)) throw new RangeError(`${options.name}: datapoints to alarm must be between 1 and ${n}, got ${m}`);
    this.name = options.name;
    this.comparison = options.comparison;
    this.threshold = options.threshold;
    this.evaluationPeriods = n;
    this.datapointsToAlarm = m;
  }

  get state(): AlarmState {
    return this.current;
  }

  /** Whether one value breaches the threshold. */
  breaches(value: number): boolean {
    return this.comparison === 'GreaterThanThreshold' ? value > this.threshold : value < this.threshold;
  }

  /** Evaluates the alarm on a new datapoint (stamped `timeMs`); returns the state after it. */
  evaluate(timeMs: number, value: number | null): AlarmState {
    if (value === null) return this.current;
    this.window.push(this.breaches(value));
    if (this.window.length > this.evaluationPeriods) this.window.shift();
    let breaching = 0;
    for (const b of this.window) if (b) breaching++;
    const notBreaching = this.window.length - breaching;
    let next: AlarmState;
    if (breaching >= this.datapointsToAlarm) next = 'ALARM';
    else if (notBreaching > this.evaluationPeriods - this.datapointsToAlarm) next = 'OK';
    else next = 'INSUFFICIENT_DATA'; // too few datapoints yet to tell
    if (next !== this.current) {
      this.current = next;
      this.history.push({ timeMs, state: next });
    }
    return next;
  }
}
