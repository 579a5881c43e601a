/**
 * What validate does for `--engine locust`: finds Locust, writes the run's locustfile (in a private
 * temporary folder; the run directory gets a copy), starts the master and the workers, hands the
 * generator a LocustEngine, and at the end stops every process and writes locust.log (Locust's own
 * output, credentials removed) beside the results.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { nominalRequestsPerInstall } from '../../scenario/flows.js';
import { retryBackoffSeconds } from '../../scenario/retry-backoff.js';
import { startOffsetsMs } from '../../scenario/schedule.js';
import type { ClientBehaviour, Scenario } from '../../scenario/types.js';
import { installKinds } from '../../scenario/flow-mix.js';
import { isLoopbackHost } from '../url-guard.js';
import { DEFAULT_LOCUST_PYTHON, LocustCluster } from './cluster.js';
import { LocustEngine, type LocustEngineOptions } from './locust-engine.js';
import { locustfileConfig, renderLocustfile } from './locustfile.js';

/** Locust's own default master port, used when workers come from elsewhere. */
export const LOCUST_DEFAULT_PORT = 5557;

export interface LocustChoice {
  name: 'locust';
  /** An interpreter that imports Locust (default Debian's /usr/bin/python3). */
  python?: string;
  /** Workers started here (default: one per core). */
  localWorkers?: number;
  /** Workers started elsewhere with the printed locustfile that the run waits for (default 0). */
  remoteWorkers?: number;
  /** The master's interface for workers: 127.0.0.1 without remote workers, else every interface. */
  bindHost?: string;
  /** The master's port for workers: a free one without remote workers, else 5557. */
  port?: number;
  /** How long to wait for every worker, seconds (default 60). */
  connectTimeoutS?: number;
}

export type EngineChoice = { name: 'native' } | LocustChoice;

export const defaultLocalWorkers = (): number => availableParallelism();

/** Checks the worker counts: one line each for what cannot run. */
export function checkLocustChoice(choice: LocustChoice): { localWorkers: number; remoteWorkers: number } {
  const localWorkers = choice.localWorkers ?? (choice.remoteWorkers ? 0 : defaultLocalWorkers());
  const remoteWorkers = choice.remoteWorkers ?? 0;
  for (const [flag, value] of [['--locust-workers', localWorkers], ['--locust-expect-workers', remoteWorkers]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 1000) throw new UserError(`${flag}: expected a whole number from 0 to 1000, got ${value}`);
  }
  if (localWorkers + remoteWorkers === 0) {
    throw new UserError('--locust-workers 0: the run needs at least one Locust worker: start 1 or more here, or wait for workers started elsewhere with --locust-expect-workers N');
  }
  return { localWorkers, remoteWorkers };
}

/**
 * A shared cookie jar is one object in one process, so on Locust it is one per worker process and kind of install
 * (the kind's install k on worker k mod W, that worker's jar of the kind): a scenario whose client (or a flow mix
 * entry's) states client.sharedJars must state the workers.
 */
export function checkSharedJars(scenario: Scenario, workers: number): void {
  const clients: Array<[string, ClientBehaviour]> = [['client', scenario.client], ...(scenario.flowMix ?? []).map((e, i): [string, ClientBehaviour] => [`flowMix[${i}] (${e.name}) client`, e.client])];
  for (const [where, client] of clients) {
    const stated = client.sharedJars;
    if (client.cookies !== 'shared' || stated === undefined || stated === workers) continue;
    const whose = where === 'client' ? 'client.sharedJars' : `the ${where}'s sharedJars`;
    throw new UserError(`--engine locust: a shared cookie jar is one per worker process, so ${whose} must be the ${workers} worker${workers === 1 ? '' : 's'} or absent, got ${stated}`);
  }
}

/** The scenario a Locust run sent, as the model reads it: a shared scope had one jar per worker (per kind, with a mix). */
export function scenarioAsSentByWorkers(scenario: Scenario, workers: number): Scenario {
  if (workers <= 1) return scenario;
  const sent = (client: ClientBehaviour): ClientBehaviour => (client.cookies === 'shared' ? { ...client, sharedJars: workers } : client);
  return { ...scenario, client: sent(scenario.client), ...(scenario.flowMix ? { flowMix: scenario.flowMix.map((e) => ({ ...e, client: sent(e.client) })) } : {}) };
}

/**
 * The longest one install can take, seconds: every request timing out on connect and read, every retry with its
 * backoff (the longest kind's, with a flow mix).
 */
export function longestInstallSeconds(scenario: Scenario): number {
  return Math.max(
    ...installKinds(scenario).map(({ flow, client }) => {
      const requests = nominalRequestsPerInstall(flow) * (scenario.requirements ?? 1);
      let backoff = 0;
      for (let k = 1; k <= client.retries; k += 1) backoff += retryBackoffSeconds(k, client.backoffFactorSeconds);
      return requests * ((1 + client.retries) * 2 * client.timeoutSeconds + backoff);
    }),
  );
}

/** When the schedule starts its last install, seconds. */
function scheduleEndSeconds(scenario: Scenario): number {
  const { profile } = scenario;
  if (profile.executor === 'burst-iterations') return profile.durationSeconds;
  const offsets = startOffsetsMs(profile);
  return offsets.length > 0 ? offsets[offsets.length - 1] / 1000 : 0;
}

/** The run's bound: Locust's master ends it by itself after the last start plus the longest install (and a minute). */
export function runTimeBoundSeconds(scenario: Scenario): number {
  return scheduleEndSeconds(scenario) + longestInstallSeconds(scenario) + 60;
}

/** The locustfile of a run (`--print-locustfile`, and what the master and local workers run). */
export function locustfileFor(scenario: Scenario, target: string): string {
  return renderLocustfile(locustfileConfig(scenario, target));
}

export interface LocustStart {
  choice: LocustChoice;
  scenario: Scenario;
  /** The target's root and its display form (no credentials). */
  url: URL;
  display: string;
  username?: string;
  password?: string;
  redact: (text: string) => string;
  /** Aborts a wait for workers (Ctrl-C before the load). */
  signal?: AbortSignal;
}

export class LocustRun {
  private constructor(
    readonly cluster: LocustCluster,
    readonly locustfile: string,
    private readonly dir: string,
  ) {}

  /** Writes the locustfile and starts the master and the workers (ready, clocks tied); fails in one line without Locust. */
  static async start(start: LocustStart): Promise<LocustRun> {
    const { localWorkers, remoteWorkers } = checkLocustChoice(start.choice);
    const text = locustfileFor(start.scenario, start.display);
    // A private folder: the file holds no credential, but nobody else should swap it under the workers.
    const dir = mkdtempSync(path.join(tmpdir(), 'capsim-locust-'));
    const file = path.join(dir, 'capsim_locustfile.py');
    writeFileSync(file, text, { mode: 0o600 });
    try {
      const starting = LocustCluster.start({
        python: start.choice.python ?? DEFAULT_LOCUST_PYTHON,
        locustfile: file,
        localWorkers,
        remoteWorkers,
        bindHost: start.choice.bindHost ?? (remoteWorkers > 0 ? '*' : '127.0.0.1'),
        port: start.choice.port ?? (remoteWorkers > 0 ? LOCUST_DEFAULT_PORT : 0),
        connectTimeoutS: start.choice.connectTimeoutS ?? 60,
        runTimeBoundS: runTimeBoundSeconds(start.scenario),
        username: start.username,
        password: start.password,
        loopbackTarget: isLoopbackHost(start.url.hostname),
        redact: start.redact,
        signal: start.signal,
      });
      return new LocustRun(await starting, text, dir);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  engine(options: Omit<LocustEngineOptions, 'cluster'>): LocustEngine {
    return new LocustEngine({ ...options, cluster: this.cluster });
  }

  /**
   * Stops every Locust process, then writes locustfile.py and locust.log into the run directory (through
   * its writer: a temporary name and a rename, as every result file).
   */
  async finish(output: { write(name: string, data: string): unknown } | null): Promise<void> {
    await this.cluster.close();
    rmSync(this.dir, { recursive: true, force: true });
    if (output === null) return;
    output.write('locustfile.py', this.locustfile);
    output.write('locust.log', this.cluster.log.length > 0 ? `${this.cluster.log.join('\n')}\n` : '');
  }
}
