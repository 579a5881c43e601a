/**
 * A traffic scenario: who sends what, how often, with which client behaviour,
 * against which repository. Shared by `predict` (simulated) and `validate`
 * (sent for real). Files live in scenarios/NAME.json; see scenarios/README.md.
 */

import type { FlowName } from './flows.js';

/** The request sequence of one "pip install" of one package (src/scenario/flows.ts). */
export type { FlowName };

/** The load profiles (k6-style executors). */
export const EXECUTORS = ['burst-iterations', 'constant-arrival-rate', 'ramping-arrival-rate', 'replay'] as const;

/**
 * Who shares a cookie jar (the balancer's stickiness cookie): `shared` = one
 * jar for the whole run (the seed tool's one requests.Session), `per-install`
 * = one per install (a pip process), `none` = no cookies kept.
 */
export const COOKIE_SCOPES = ['shared', 'per-install', 'none'] as const;
export type CookieScope = (typeof COOKIE_SCOPES)[number];

/** Which version of a project an install downloads. */
export const VERSION_PICKS = ['latest', 'uniform'] as const;

/** The seed tool's profile: iterations paced to a period, a burst every N iterations. */
export interface BurstIterationsProfile {
  executor: 'burst-iterations';
  /** Period each iteration is paced to, seconds (seed: 10). */
  iterationSeconds: number;
  /** Concurrent installs in an ordinary iteration (seed: 3). */
  baselineInstalls: number;
  /** Concurrent installs in a burst iteration (seed: 510). */
  burstInstalls: number;
  /** A burst every this many iterations (seed: 6). */
  burstEvery: number;
  /** Index (0-based) of the first burst iteration; later bursts every burstEvery (seed: 5). */
  firstBurstIteration: number;
  /** An iteration waits for all its installs before the next may start (seed: true). */
  waitForInstalls: boolean;
  /** Total run time, seconds: no iteration starts after it (seed: 300). */
  durationSeconds: number;
}

/** Open-loop installs started at a fixed rate (k6 constant-arrival-rate). */
export interface ConstantArrivalRateProfile {
  executor: 'constant-arrival-rate';
  /** Installs started per second. */
  installsPerSecond: number;
  durationSeconds: number;
}

/** Open-loop installs whose rate moves linearly between stage targets (k6 ramping-arrival-rate). */
export interface RampingArrivalRateProfile {
  executor: 'ramping-arrival-rate';
  /** Rate at time 0, installs per second. */
  startInstallsPerSecond: number;
  stages: Array<{ durationSeconds: number; targetInstallsPerSecond: number }>;
}

/** Installs started at the offsets (seconds from start) listed in a file, one number per line or a JSON array. */
export interface ReplayProfile {
  executor: 'replay';
  /** The offsets file: relative to the scenario file in the file, absolute once loaded. */
  file: string;
  /** Multiply offsets by this (0.5 = twice as fast). */
  timeScale: number;
  /**
   * The file's offsets in seconds, ascending, read once when the scenario
   * loads (not part of the scenario as written: see scenarioAsWritten).
   */
  offsetsSeconds: readonly number[];
  /**
   * With a flow mix: for each offset (in the order of offsetsSeconds), the
   * index in flowMix of the entry its line names, -1 for a line that names
   * none (its install draws one by share). Read with the offsets.
   */
  offsetsMix?: readonly number[];
}

export type LoadProfile =
  | BurstIterationsProfile
  | ConstantArrivalRateProfile
  | RampingArrivalRateProfile
  | ReplayProfile;

export interface ClientBehaviour {
  /** Per-request timeout, seconds (seed: 30, pip: 15). */
  timeoutSeconds: number;
  /** Retries after a connection error or a retryable status (seed: 0, pip: 5). */
  retries: number;
  /** urllib3 backoff factor, seconds: sleep = factor * 2^(retry-1) (pip: 0.25). */
  backoffFactorSeconds: number;
  /** Statuses that are retried (pip: 500, 503, 520, 527). */
  retryStatuses: number[];
  /** Reuse connections across the requests of one install (pip and requests: true). */
  keepAlive: boolean;
  /** Who shares a cookie jar (seed tool: shared; pip: per-install). */
  cookies: CookieScope;
  /**
   * With `cookies: shared`: how many jars the installs share, in turn (install k uses jar k mod N); absent = 1, the
   * seed tool's one session. A Locust-engine run records its workers here (each worker process has its own jar).
   */
  sharedJars?: number;
}

export interface Repository {
  /** Number of projects in the index (seed: 100). */
  projects: number;
  /** Files on a project's page (seed: 3 versions, one wheel each); a mean over projects may be fractional. */
  versionsPerProject: number;
  /** Mean size of a wheel file, bytes. */
  wheelBytes: number;
  /** Version each install downloads: "latest" (seed: 2.0.0) or "uniform". */
  versionPick: (typeof VERSION_PICKS)[number];
  /** Files in the whole index, when known (an index read by validate); else projects x versionsPerProject. */
  files?: number;
}

/** One kind of install in a mix: a flow, its share of the installs, and the behaviour of its client. */
export interface FlowMixEntry {
  /** Its name in replay files and results (default: the flow's name). */
  name: string;
  flow: FlowName;
  /** Fraction of the installs; the shares of a mix sum to 1. */
  share: number;
  /** Its installs' client behaviour (default: the scenario's client). */
  client: ClientBehaviour;
}

export interface Scenario {
  name: string;
  description: string;
  /** The flow of every install; with a flowMix, the flow of its largest share. */
  flow: FlowName;
  /** Installs of several kinds (src/scenario/flow-mix.ts): each install runs one entry's flow and client. */
  flowMix?: FlowMixEntry[];
  /**
   * Projects one install fetches one after another, the way a CI job's `pip install -r requirements.txt` does
   * (index page then file, per project, on one connection); default 1.
   */
  requirements?: number;
  profile: LoadProfile;
  client: ClientBehaviour;
  repository: Repository;
  /** Where the scenario was loaded from (absolute path), filled in by the loader. */
  source?: string;
}
