/**
 * When installs start: the one schedule of a load profile, used by the model
 * (src/model/workload.ts) and the live generator (src/live/generator.ts)
 * alike (docs/model.md, "Workload and schedule"). Times are milliseconds
 * from the start of the run.
 *
 * burst-iterations is closed-loop (the seed tool's loop): iteration k is a
 * burst when k >= firstBurstIteration and (k - firstBurstIteration) is a
 * multiple of burstEvery; an iteration starts at max(previous start +
 * period, end of the previous iteration's installs) when waitForInstalls,
 * else at previous start + period; none starts at or after durationSeconds.
 * The others are open-loop lists of start offsets (startOffsetsMs).
 */
import type { BurstIterationsProfile, LoadProfile } from './types.js';

export type OpenLoopProfile = Exclude<LoadProfile, BurstIterationsProfile>;

export function isBurstIteration(profile: BurstIterationsProfile, index: number): boolean {
  return index >= profile.firstBurstIteration && (index - profile.firstBurstIteration) % profile.burstEvery === 0;
}

export function installsInIteration(profile: BurstIterationsProfile, index: number): number {
  return isBurstIteration(profile, index) ? profile.burstInstalls : profile.baselineInstalls;
}

/** Whether an iteration may start `elapsedMs` after the run started (none starts at or after the duration). */
export function iterationMayStart(profile: BurstIterationsProfile, elapsedMs: number): boolean {
  return elapsedMs < profile.durationSeconds * 1000;
}

/**
 * When the iteration after one that started at `startedMs` starts, given
 * that its installs finished at `finishedMs` (waitForInstalls) or not.
 */
export function nextIterationStartMs(profile: BurstIterationsProfile, startedMs: number, finishedMs: number): number {
  const paced = startedMs + profile.iterationSeconds * 1000;
  return profile.waitForInstalls ? Math.max(finishedMs, paced) : paced;
}

export interface NominalIteration {
  index: number;
  burst: boolean;
  installs: number;
  /** Start when no iteration overruns its period, seconds from the run start. */
  startSeconds: number;
}

/** The iterations of a burst-iterations run if every iteration fits in its period. */
export function nominalIterations(profile: BurstIterationsProfile): NominalIteration[] {
  const out: NominalIteration[] = [];
  for (let index = 0; index * profile.iterationSeconds < profile.durationSeconds; index += 1) {
    out.push({ index, burst: isBurstIteration(profile, index), installs: installsInIteration(profile, index), startSeconds: index * profile.iterationSeconds });
  }
  return out;
}

/** Install k at k / rate: every start strictly before the duration. */
function constantOffsetsMs(installsPerSecond: number, durationSeconds: number): number[] {
  const out: number[] = [];
  const endMs = durationSeconds * 1000;
  for (let k = 0; (k * 1000) / installsPerSecond < endMs; k++) out.push((k * 1000) / installsPerSecond);
  return out;
}

/** Install k starts when the integral of the (piecewise linear) rate reaches k. */
function rampingOffsetsMs(startInstallsPerSecond: number, stages: ReadonlyArray<{ durationSeconds: number; targetInstallsPerSecond: number }>): number[] {
  const out: number[] = [];
  let t0 = 0;
  let r0 = startInstallsPerSecond;
  let cumulative = 0;
  let k = 0;
  for (const stage of stages) {
    const d = stage.durationSeconds;
    const r1 = stage.targetInstallsPerSecond;
    const slope = (r1 - r0) / d;
    const stageTotal = ((r0 + r1) / 2) * d;
    while (k < cumulative + stageTotal - 1e-9) {
      const need = k - cumulative; // installs into this stage
      // Solve r0 x + slope x^2 / 2 = need for x in [0, d].
      const x = Math.abs(slope) < 1e-12 ? need / r0 : (-r0 + Math.sqrt(Math.max(0, r0 * r0 + 2 * slope * need))) / slope;
      out.push((t0 + Math.min(d, Math.max(0, x))) * 1000);
      k++;
    }
    cumulative += stageTotal;
    t0 += d;
    r0 = r1;
  }
  return out;
}

/** Start offsets (ms from the run start, ascending) of every install of an open-loop profile. */
export function startOffsetsMs(profile: OpenLoopProfile): number[] {
  switch (profile.executor) {
    case 'constant-arrival-rate':
      return constantOffsetsMs(profile.installsPerSecond, profile.durationSeconds);
    case 'ramping-arrival-rate':
      return rampingOffsetsMs(profile.startInstallsPerSecond, profile.stages);
    case 'replay':
      return profile.offsetsSeconds.map((seconds) => seconds * profile.timeScale * 1000);
  }
}

/**
 * When the load's last install may start, ms from the run start: a burst-iterations or constant-rate run's
 * duration, the sum of a ramping profile's stages, a replay's last offset (times its time scale).
 */
export function loadDurationMs(profile: LoadProfile): number {
  switch (profile.executor) {
    case 'burst-iterations':
    case 'constant-arrival-rate':
      return profile.durationSeconds * 1000;
    case 'ramping-arrival-rate':
      return profile.stages.reduce((sum, stage) => sum + stage.durationSeconds, 0) * 1000;
    case 'replay':
      return (profile.offsetsSeconds[profile.offsetsSeconds.length - 1] ?? 0) * profile.timeScale * 1000;
  }
}

/**
 * How many installs a profile starts if no iteration overruns its period (an upper bound for
 * burst-iterations that wait for their installs), counted without listing them.
 */
export function nominalInstalls(profile: LoadProfile): number {
  switch (profile.executor) {
    case 'burst-iterations': {
      const iterations = Math.ceil(profile.durationSeconds / profile.iterationSeconds);
      const first = profile.firstBurstIteration;
      const bursts = iterations > first ? Math.floor((iterations - 1 - first) / profile.burstEvery) + 1 : 0;
      return bursts * profile.burstInstalls + (iterations - bursts) * profile.baselineInstalls;
    }
    case 'constant-arrival-rate':
      return Math.ceil(profile.installsPerSecond * profile.durationSeconds);
    case 'ramping-arrival-rate': {
      let rate = profile.startInstallsPerSecond;
      let total = 0;
      for (const stage of profile.stages) {
        total += ((rate + stage.targetInstallsPerSecond) / 2) * stage.durationSeconds;
        rate = stage.targetInstallsPerSecond;
      }
      return Math.ceil(total);
    }
    case 'replay':
      return profile.offsetsSeconds.length;
  }
}
