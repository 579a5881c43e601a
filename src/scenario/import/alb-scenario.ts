/**
 * The scenario an ALB-log import writes: a replay of the install start offsets
 * (seconds from the first request of the window), the flow each kind of
 * install runs as, the client behaviour of the dominant client (its timeout
 * taken from the 460s the log shows when there are enough), the repository as
 * far as the log shows it (or as the user states it), and where it all came
 * from. Client addresses appear only as hashes unless the user keeps them.
 */
import type { AlbImportResult } from './alb-import.js';
import { cookieNote, defaultClient, mappingNote, modelFlowOf } from './flow-mapping.js';
import { TRAFFIC_CATEGORIES, type TrafficCategory } from './installs.js';
import { projectPopularity, type TrafficSummary } from './traffic-summary.js';
import { loadScenario } from '../load.js';
import type { ClientBehaviour, CookieScope, FlowName, Repository } from '../types.js';
import type { ClientFamily } from './user-agent.js';

/** What the user knows and the log cannot show: the index's content. */
export interface RepositoryChoice {
  projects?: number;
  versionsPerProject?: number;
}

export interface FlowShare {
  /** The entry's name in the scenario's flowMix and on the replay lines. */
  name: string;
  category: TrafficCategory;
  flow: FlowName;
  installs: number;
  share: number;
  /** The client family of most of its installs (whose behaviour it gets). */
  family: ClientFamily;
  note?: string;
}

export interface BuiltScenario {
  /** The scenario file's content. */
  scenario: Record<string, unknown>;
  /** The replay file's content, in pieces. */
  offsets: string[];
  flowMix: FlowShare[];
  /** Installs the replay starts, and when its last one starts (seconds from offset zero; 0 without installs). */
  installs: number;
  lastOffsetSeconds: number;
  /** What the user should know about how the scenario was made (printed after the summary). */
  notes: string[];
}

export interface AlbScenarioOptions {
  name: string;
  /** The replay file's name, relative to the scenario file. */
  offsetsFile: string;
  repository: RepositoryChoice;
  /** Command line that made it (recorded). */
  command: string;
  /** Who shares a cookie jar, as the user states it (default: each kind's client family's). */
  cookies?: CookieScope;
}

/** At least this many 460s of a client family set its timeout. */
const MIN_TIMEOUTS = 3;
const POPULARITY_LISTED = 200;

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** What the replay starts: every install, and every download no install took (as download-only), by start time. */
export interface ReplayPlan {
  mix: FlowShare[];
  /** Start times, ascending, epoch ms. */
  starts: Float64Array;
  /** The mix entry of each start. */
  entries: Uint16Array;
}

/** The flow mix of what the import found, largest first, and the replay of it. */
export function replayPlanOf(r: AlbImportResult): ReplayPlan {
  const byId = new Map<string, { share: FlowShare; families: Map<ClientFamily, number>; index: number }>();
  const downloads: number[] = [];
  for (let k = 0; k < r.singles.length; k++) if (r.singles.kindOf(k) === 'file') downloads.push(k);
  const count = r.installs.length + downloads.length;
  const starts = new Float64Array(count);
  const raw = new Uint16Array(count);
  const add = (at: number, startMs: number, category: TrafficCategory, flow: FlowName, family: ClientFamily): void => {
    const id = `${category}/${flow}`;
    let entry = byId.get(id);
    if (!entry) {
      const share: FlowShare = { name: id, category, flow, installs: 0, share: 0, family: 'pip' };
      const note = mappingNote(category, flow);
      if (note) share.note = note;
      entry = { share, families: new Map(), index: byId.size };
      byId.set(id, entry);
    }
    entry.share.installs++;
    entry.families.set(family, (entry.families.get(family) ?? 0) + 1);
    starts[at] = startMs;
    raw[at] = entry.index;
  };
  for (let k = 0; k < r.installs.length; k++) {
    const category = r.installs.categoryOf(k);
    add(k, r.installs.startMs(k), category, modelFlowOf(category, r.installs.patternOf(k)), r.clientKeys[r.installs.clientOf(k)].family);
  }
  downloads.forEach((k, i) => add(r.installs.length + i, r.singles.startMs(k), 'download-only', 'download-only', r.clientKeys[r.singles.clientOf(k)].family));
  const total = Math.max(1, count);
  const entries = [...byId.values()];
  const sorted = entries
    .slice()
    .sort((a, b) => b.share.installs - a.share.installs || TRAFFIC_CATEGORIES.indexOf(a.share.category) - TRAFFIC_CATEGORIES.indexOf(b.share.category) || (a.share.flow < b.share.flow ? -1 : 1));
  const categories = sorted.map((e) => e.share.category);
  const mix = sorted.map((e) => {
    let family: ClientFamily = 'pip';
    let most = 0;
    for (const [f, n] of e.families) if (n > most) [family, most] = [f, n];
    // A category that maps to one flow is named by the category; one split over flows by category/flow.
    const name = categories.filter((c) => c === e.share.category).length === 1 ? e.share.category : `${e.share.category}/${e.share.flow}`;
    return { ...e.share, name, family, share: round(e.share.installs / total, 6) };
  });
  // Rounded shares that still sum to 1: the largest takes the rest.
  if (mix.length > 0) mix[0].share = round(1 - mix.slice(1).reduce((n, m) => n + m.share, 0), 6);
  const position = new Uint16Array(entries.length);
  sorted.forEach((e, i) => (position[e.index] = i));
  // By start time (ties as found, so the order is the same on every run).
  const order = new Uint32Array(count);
  for (let k = 0; k < count; k++) order[k] = k;
  order.sort((a, b) => starts[a] - starts[b] || a - b);
  return { mix, starts: Float64Array.from(order, (k) => starts[k]), entries: Uint16Array.from(order, (k) => position[raw[k]]) };
}

/** The behaviour of a family's clients: the family's own (or the stated cookie jar), its timeout from the 460s the log shows when there are enough. */
function clientOf(family: ClientFamily, cookies: CookieScope | undefined, summary: TrafficSummary, notes: string[]): ClientBehaviour {
  const client = defaultClient(family, cookies);
  const seen = summary.timeouts.http460.find((t) => t.family === family);
  if (seen && seen.count >= MIN_TIMEOUTS && seen.medianSeconds > 0) {
    notes.push(`${family} client timeout ${seen.medianSeconds} s: the median wait of the ${seen.count} requests its clients closed before an answer (460)`);
    client.timeoutSeconds = seen.medianSeconds;
  } else {
    notes.push(`${family} client timeout ${client.timeoutSeconds} s: ${family}'s own (the log shows ${seen ? `only ${seen.count}` : 'no'} 460s of its clients)`);
  }
  return client;
}

function repositoryOf(r: AlbImportResult, choice: RepositoryChoice, notes: string[]): Repository {
  const projectsSeen = new Set<number>();
  for (let k = 0; k < r.installs.length; k++) projectsSeen.add(r.installs.projectOf(k));
  let filesSeen = 1;
  for (const n of r.filesPerProject.values()) filesSeen = Math.max(filesSeen, n);
  const projects = choice.projects ?? Math.max(1, projectsSeen.size);
  const versionsPerProject = choice.versionsPerProject ?? filesSeen;
  // sent_bytes of a download is the file and its response headers (a few hundred bytes).
  const wheelBytes = r.downloads.count > 0 ? Math.round(r.downloads.bytes / r.downloads.count) : loadScenario('production-incident').repository.wheelBytes;
  if (choice.projects === undefined || choice.versionsPerProject === undefined) {
    notes.push(
      `repository: ${choice.projects === undefined ? `${projects} projects (those the log shows installed)` : `${projects} projects`}, ` +
        `${choice.versionsPerProject === undefined ? `${versionsPerProject} version(s) each (the most files downloaded of one project)` : `${versionsPerProject} versions each`}; ` +
        'the log shows only what was requested: give --projects and --versions-per-project for the index\'s real content (every request walks all its files)',
    );
  }
  return { projects, versionsPerProject, wheelBytes, versionPick: 'latest' };
}

export function buildAlbScenario(r: AlbImportResult, summary: TrafficSummary, options: AlbScenarioOptions): BuiltScenario {
  const notes: string[] = [];
  const replay = replayPlanOf(r);
  const flowMix = replay.mix;
  const clients = new Map<ClientFamily, ClientBehaviour>();
  for (const entry of flowMix) if (!clients.has(entry.family)) clients.set(entry.family, clientOf(entry.family, options.cookies, summary, notes));
  const client = flowMix.length > 0 ? clients.get(flowMix[0].family)! : clientOf('pip', options.cookies, summary, notes);
  notes.push(cookieNote(flowMix.map((m) => ({ name: m.name, cookies: clients.get(m.family)!.cookies })), options.cookies));
  const repository = repositoryOf(r, options.repository, notes);
  const flow: FlowName = flowMix[0]?.flow ?? 'pip-root-index';
  // With more than one kind of install, each line names its install's entry of the flow mix.
  const mixed = flowMix.length > 1;
  const baseMs = r.counters.firstMs;
  const starts = replay.starts;
  const offsets = [
    `# capsim replay: install start offsets, seconds from ${new Date(baseMs).toISOString()} (the first request of the window)${mixed ? ', and the flowMix entry of each' : ''}\n` +
      `# ${starts.length} installs from ${summary.input.files} ALB log file(s), sha256 ${r.inputSha256}\n`,
  ];
  // In pieces of 64k lines: millions of installs never make one huge string.
  for (let k = 0; k < starts.length; k += 65536) {
    const piece: string[] = [];
    for (let i = k; i < Math.min(starts.length, k + 65536); i++) {
      const offset = ((starts[i] - baseMs) / 1000).toFixed(3);
      piece.push(mixed ? `${offset} ${flowMix[replay.entries[i]].name}` : offset);
    }
    offsets.push(`${piece.join('\n')}\n`);
  }
  const singles = summary.installs.single;
  const singleTotal = Object.values(singles).reduce((a, b) => a + (b ?? 0), 0);
  const lone = singles.file ?? 0;
  if (lone > 0) notes.push(`${lone} downloads with no index page before them (poetry from its lock file, cached index pages) replay as download-only`);
  const unreplayed = Object.entries(singles).filter(([kind]) => kind !== 'file');
  if (unreplayed.length > 0) notes.push(`${singleTotal - lone} other requests fit no install (${unreplayed.map(([k, n]) => `${k} ${n}`).join(', ')}); they are counted, not replayed (the model has no cost for them)`);
  for (const mix of flowMix) if (mix.note) notes.push(mix.note);
  const firstInstall = starts.length > 0 ? new Date(starts[0]).toISOString() : null;
  const scenario: Record<string, unknown> = {
    $comment:
      `Imported by capsim scenario import from ALB access logs: the installs reconstructed from the requests (per client address and user agent), ` +
      `replayed at the offsets in ${options.offsetsFile}. provenance says where the traffic came from and what the import found.`,
    name: options.name,
    description: `${starts.length} installs (${flowMix.map((m) => `${m.category} ${Math.round(m.share * 100)} %`).join(', ') || 'none'}) between ${summary.window.from} and ${summary.window.to}, from ${summary.input.files} ALB log file(s)`,
    flow,
    ...(mixed ? { flowMix: flowMix.map((m) => ({ name: m.name, flow: m.flow, share: m.share, client: clients.get(m.family) })) } : {}),
    profile: { executor: 'replay', file: options.offsetsFile, timeScale: 1 },
    client,
    repository,
    provenance: {
      source: 'alb-access-logs',
      command: options.command,
      paths: summary.input.paths,
      files: summary.input.files,
      bytes: summary.input.bytes,
      sha256: r.inputSha256,
      inputRange: { from: summary.input.firstRequest, to: summary.input.lastRequest },
      window: summary.window,
      offsetZero: new Date(baseMs).toISOString(),
      firstInstall,
      lines: summary.input.lines,
      entries: summary.input.entries,
      malformedLines: summary.input.malformed,
      requests: summary.requests,
      clientAddresses: summary.clients.addresses,
      clients: summary.clients.count,
      // The busiest clients: a hash of each address (keyed by the inputs' sha256), the address with --keep-addresses.
      topClients: summary.clients.top.map((c) => ({ client: c.client, requests: c.requests, agents: c.agents })),
      userAgents: summary.userAgents.map((a) => ({ agent: a.agent, family: a.family, requests: a.requests })),
      installs: starts.length,
      flowMix,
      singleRequests: singles,
      clientTimeouts: summary.timeouts,
      projects: { distinct: summary.projects.distinct, popularity: projectPopularity(r).slice(0, POPULARITY_LISTED) },
      bursts: summary.bursts,
      notes,
    },
  };
  const lastOffsetSeconds = starts.length > 0 ? (starts[starts.length - 1] - baseMs) / 1000 : 0;
  return { scenario, offsets, flowMix, installs: starts.length, lastOffsetSeconds, notes };
}
