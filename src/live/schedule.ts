import { readReplayOffsets } from '../scenario/replay-offsets.js';
/**
 * When installs start, per load profile. burst-iterations is closed-loop (the
 * seed's loop: an iteration starts at max(previous start + period, previous
 * end) when waitForInstalls, and none starts after durationSeconds); the
 * others are open-loop lists of start offsets.
 */
import path from 'node:path';
import type {
  BurstIterationsProfile,
  ConstantArrivalRateProfile,
  LoadProfile,
  RampingArrivalRateProfile,
  ReplayProfile,
} from '../scenario/types.js';

export function isBurstIteration(profile: BurstIterationsProfile, index: number): boolean {
  return index >= profile.firstBurstIteration && (index - profile.firstBurstIteration) % profile.burstEvery === 0;
}

export function installsInIteration(profile: BurstIterationsProfile, index: number): number {
  return isBurstIteration(profile, index) ? profile.burstInstalls : profile.baselineInstalls;
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

function constantOffsets(profile: ConstantArrivalRateProfile): number[] {
  const out: number[] = [];
  if (profile.installsPerSecond <= 0) return out;
  for (let k = 0; k / profile.installsPerSecond < profile.durationSeconds; k += 1) out.push(k / profile.installsPerSecond);
  return out;
}

/** Install k starts when the integral of the (piecewise linear) rate reaches k. */
function rampingOffsets(profile: RampingArrivalRateProfile): number[] {
  const out: number[] = [];
  let stageStart = 0;
  let rate0 = profile.startInstallsPerSecond;
  let done = 0; // installs due before this stage (fractional)
  let next = 0; // index of the next install to place
  for (const stage of profile.stages) {
    const d = stage.durationSeconds;
    const rate1 = stage.targetInstallsPerSecond;
    const slope = d > 0 ? (rate1 - rate0) / d : 0;
    const total = d > 0 ? (rate0 + rate1) * d / 2 : 0;
    while (next < done + total - 1e-9) {
      const need = next - done; // solve rate0 t + slope t^2 / 2 = need
      let t: number;
      if (Math.abs(slope) < 1e-12) t = rate0 > 0 ? need / rate0 : d;
      else t = (-rate0 + Math.sqrt(Math.max(0, rate0 * rate0 + 2 * slope * need))) / slope;
      out.push(stageStart + Math.min(d, Math.max(0, t)));
      next += 1;
    }
    done += total;
    stageStart += d;
    rate0 = rate1;
  }
  return out;
}

function replayOffsets(profile: ReplayProfile, scenarioSource: string | undefined): number[] {
  const file = path.resolve(scenarioSource ? path.dirname(scenarioSource) : process.cwd(), profile.file);
  return readReplayOffsets(file).map((seconds) => seconds * profile.timeScale);
}

/** Start offsets (seconds) of every install of an open-loop profile. */
export function openLoopOffsets(profile: Exclude<LoadProfile, BurstIterationsProfile>, scenarioSource?: string): number[] {
  switch (profile.executor) {
    case 'constant-arrival-rate':
      return constantOffsets(profile);
    case 'ramping-arrival-rate':
      return rampingOffsets(profile);
    case 'replay':
      return replayOffsets(profile, scenarioSource);
  }
}
