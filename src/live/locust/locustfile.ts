/**
 * The locustfile of a run: the template locustfile.py (the workers' mechanics: one HTTP attempt,
 * an operation's redirects and retries, an install's steps, the relay on the master) with its
 * CONFIG written from what the native engine uses, per kind of install (one, or each entry of a
 * flow mix): the flow table (src/scenario/flows.ts), the client's headers (client-headers.ts),
 * the kind's client behaviour and its backoff (src/scenario/retry-backoff.ts); for all kinds: pip's
 * retry rule (retry.ts), the redirect rule and poetry's session
 * pool (install.ts). Same inputs, same file, byte for byte (workers started elsewhere with
 * `--print-locustfile` run exactly what the master runs; each side checks the other's digest).
 * The target is written without credentials; credentials reach workers only by environment.
 */
import { readFileSync } from 'node:fs';
import { capsimVersion, packagePath } from '../../package-root.js';
import { installKinds } from '../../scenario/flow-mix.js';
import { FLOWS, type Flow } from '../../scenario/flows.js';
import { retryBackoffSeconds } from '../../scenario/retry-backoff.js';
import type { ClientBehaviour, Scenario } from '../../scenario/types.js';
import { clientHeaders, type ClientHeaders } from '../client-headers.js';
import { MAX_REDIRECTS, REDIRECT_STATUSES, SESSION_POOL_SIZE } from '../install.js';
import { RETRY_AFTER_STATUSES, RETRYABLE_ERROR_CLASSES } from '../retry.js';

/** The environment variables workers read the index's credentials from. */
export const CREDENTIAL_VARIABLES = { usernameVariable: 'CAPSIM_USERNAME', passwordVariable: 'CAPSIM_PASSWORD' } as const;

/** How often a worker sends the requests it finished (and at once when an install ends), ms. */
export const RECORDS_FLUSH_MS = 200;

/** One kind of install (the scenario's one, or an entry of its flow mix): what its installs run and how its client behaves. */
export interface LocustfileKind {
  name: string;
  flow: Flow;
  headers: ClientHeaders;
  client: ClientBehaviour;
  /** pip's sleep before retry k+1, seconds. */
  backoffSeconds: number[];
}

export interface LocustfileConfig {
  capsim: string;
  scenario: string;
  /** The server root, credentials removed. */
  target: string;
  /** In the order of installKinds (src/scenario/flow-mix.ts): an install names its kind by index. */
  kinds: LocustfileKind[];
  redirects: { statuses: number[]; max: number };
  retry: { errorClasses: string[]; retryAfterStatuses: number[] };
  sessionPoolSize: number;
  recordsFlushMs: number;
  credentials: typeof CREDENTIAL_VARIABLES;
}

export function locustfileConfig(scenario: Scenario, target: string): LocustfileConfig {
  return {
    capsim: capsimVersion(),
    scenario: scenario.name,
    target,
    kinds: installKinds(scenario).map(({ name, flow, client }) => ({
      name,
      flow: FLOWS[flow],
      headers: clientHeaders(FLOWS[flow].client),
      client,
      backoffSeconds: Array.from({ length: client.retries }, (_, k) => retryBackoffSeconds(k + 1, client.backoffFactorSeconds)),
    })),
    redirects: { statuses: [...REDIRECT_STATUSES], max: MAX_REDIRECTS },
    retry: { errorClasses: [...RETRYABLE_ERROR_CLASSES], retryAfterStatuses: [...RETRY_AFTER_STATUSES] },
    sessionPoolSize: SESSION_POOL_SIZE,
    recordsFlushMs: RECORDS_FLUSH_MS,
    credentials: CREDENTIAL_VARIABLES,
  };
}

/** A JSON value as a Python literal, indented like the JSON it comes from. */
export function pythonLiteral(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`pythonLiteral: ${value} has no literal`);
    return String(value);
  }
  // A JSON string literal is a Python string literal (same escapes).
  if (typeof value === 'string') return JSON.stringify(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => pythonLiteral(v)).join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${pythonLiteral(v, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pythonLiteral(v, inner)},`).join('\n')}\n${indent}}`;
}

const TEMPLATE_LINE = 'CONFIG = None  # capsim writes the run\'s configuration here';

/** The locustfile's text for a configuration. */
export function renderLocustfile(config: LocustfileConfig): string {
  const template = readFileSync(packagePath('src', 'live', 'locust', 'locustfile.py'), 'utf8');
  if (!template.includes(TEMPLATE_LINE)) throw new Error('src/live/locust/locustfile.py lost its CONFIG line');
  const flows = config.kinds.length === 1 ? `flow ${config.kinds[0].flow.name}` : `flow mix ${config.kinds.map((k) => `${k.name} (${k.flow.name})`).join(', ')}`;
  const header = `# Written by capsim ${config.capsim} for scenario ${JSON.stringify(config.scenario)}, ${flows}, target ${config.target}.\n`;
  return header + template.replace(TEMPLATE_LINE, `CONFIG = ${pythonLiteral(config)}`);
}
