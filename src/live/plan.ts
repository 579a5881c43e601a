/**
 * The request plan of a validate run, for --dry-run: what each install sends
 * (paths, headers with the credentials masked), the schedule, and the totals,
 * without sending anything.
 */
import type { FlowMixEntry, Scenario } from '../scenario/types.js';
import { clientHeaders } from './client-headers.js';
import { FLOWS, nominalRequestsPerInstall } from '../scenario/flows.js';
import { stepPath } from './step-path.js';
import { profileAsWritten } from '../scenario/load.js';
import { nominalIterations, startOffsetsMs, type NominalIteration } from '../scenario/schedule.js';

export interface PlannedStep {
  operation: string;
  request: string;
  headers: Record<string, string>;
  note?: string;
}

export interface RequestPlan {
  target: string;
  flow: string;
  profile: ReturnType<typeof profileAsWritten>;
  client: Scenario['client'];
  perInstall: PlannedStep[];
  /** Projects each install fetches (the steps run once per project). */
  requirements: number;
  /** Burst-iterations profiles: the iterations if none overruns its period. */
  iterations: NominalIteration[] | null;
  /** With a flow mix: each kind, its share, and its installs (those a replay's lines name, plus the expected share of the rest). */
  mix?: Array<{ name: string; flow: string; share: number; installs: number }>;
  totals: {
    installs: number;
    operations: number;
    /** Without failures or retries. */
    httpRequests: number;
    /** If every HTTP request used all its retries. */
    httpRequestsWithAllRetries: number;
    burstInstalls: number;
  };
}

/** The plan; `project` names the example install's project (validate learns the real ones from the index). */
export function planValidation(scenario: Scenario, target: string, authenticated: boolean, project = '<project>'): RequestPlan {
  const flow = FLOWS[scenario.flow];
  const headers = clientHeaders(flow.client);
  const example = project;
  const perInstall: PlannedStep[] = [];
  for (const step of flow.steps) {
    const stepHeaders = { ...(step.resource === 'index' ? headers.index : headers.file) };
    if (authenticated) stepHeaders.authorization = 'Basic ***';
    const rule = scenario.repository.versionPick === 'latest' ? 'newest version' : 'a version picked uniformly';
    if (step.source === 'link-from-page') {
      perInstall.push({ operation: step.operation, request: 'GET <file link read from the index page>', headers: stepHeaders, note: `${rule}, #sha256 fragment dropped` });
    } else if (step.source === 'constructed-wheel') {
      perInstall.push({ operation: step.operation, request: 'GET <the picked file of the project>', headers: stepHeaders, note: `${rule}, its URL learnt from the index before the run` });
    } else if (step.source === 'project-root') {
      perInstall.push({ operation: step.operation, request: `GET /${stepPath(step, example)}`, headers: stepHeaders, note: `303 to /simple/${example}/ followed (2 HTTP requests, one operation)` });
    } else {
      perInstall.push({ operation: step.operation, request: `GET /${stepPath(step, example)}`, headers: stepHeaders });
    }
  }
  let iterations: NominalIteration[] | null = null;
  let installs: number;
  let burstInstalls = 0;
  if (scenario.profile.executor === 'burst-iterations') {
    iterations = nominalIterations(scenario.profile);
    installs = iterations.reduce((sum, it) => sum + it.installs, 0);
    burstInstalls = iterations.filter((it) => it.burst).reduce((sum, it) => sum + it.installs, 0);
  } else {
    installs = startOffsetsMs(scenario.profile).length;
  }
  // An install of several requirements runs the steps once per project, one after another.
  const requirements = scenario.requirements ?? 1;
  const perInstallRequests = nominalRequestsPerInstall(scenario.flow) * requirements;
  const plan: RequestPlan = {
    target,
    flow: scenario.flow,
    profile: profileAsWritten(scenario.profile),
    client: scenario.client,
    perInstall,
    requirements,
    iterations,
    totals: {
      installs,
      operations: installs * flow.steps.length * requirements,
      httpRequests: installs * perInstallRequests,
      httpRequestsWithAllRetries: installs * perInstallRequests * (1 + scenario.client.retries),
      burstInstalls,
    },
  };
  if (scenario.flowMix) {
    const named = scenario.profile.executor === 'replay' ? scenario.profile.offsetsMix : undefined;
    const stated = scenario.flowMix.map((_, k) => named?.filter((n) => n === k).length ?? 0);
    const unnamed = installs - stated.reduce((a, b) => a + b, 0);
    plan.mix = scenario.flowMix.map((kind, k) => ({ name: kind.name, flow: kind.flow, share: kind.share, installs: Math.round(stated[k] + unnamed * kind.share) }));
    const kinds: FlowMixEntry[] = scenario.flowMix;
    const sum = (f: (kind: FlowMixEntry, installs: number) => number) => kinds.reduce((n, kind, k) => n + f(kind, plan.mix![k].installs), 0);
    plan.totals.operations = sum((kind, n) => n * FLOWS[kind.flow].steps.length * requirements);
    plan.totals.httpRequests = sum((kind, n) => n * nominalRequestsPerInstall(kind.flow) * requirements);
    plan.totals.httpRequestsWithAllRetries = sum((kind, n) => n * nominalRequestsPerInstall(kind.flow) * requirements * (1 + kind.client.retries));
  }
  return plan;
}

export function renderPlan(plan: RequestPlan): string {
  const lines: string[] = [];
  lines.push(`Dry run: nothing is sent. Target ${plan.target}, flow ${plan.flow}; the projects are read from the index's /simple/ when the run starts.`);
  lines.push(`Client: timeout ${plan.client.timeoutSeconds} s, retries ${plan.client.retries} (backoff ${plan.client.backoffFactorSeconds} s on ${plan.client.retryStatuses.join('/') || 'none'} and connection errors), keep-alive ${plan.client.keepAlive ? 'on' : 'off'}.`);
  if (plan.mix) {
    lines.push(`Flow mix: ${plan.mix.map((m) => `${m.name}${m.name === m.flow ? '' : ` (as ${m.flow})`} ${(m.share * 100).toFixed(1)} %, ${m.installs} installs`).join('; ')}. The steps below are ${plan.flow}'s, the flow of the largest share.`);
  }
  lines.push(plan.requirements > 1 ? `Each install fetches ${plan.requirements} projects one after another, each:` : 'Each install:');
  for (const step of plan.perInstall) {
    lines.push(`  ${step.operation}: ${step.request}${step.note ? `  (${step.note})` : ''}`);
    for (const [name, value] of Object.entries(step.headers)) lines.push(`      ${name}: ${value}`);
  }
  if (plan.iterations) {
    const bursts = plan.iterations.filter((it) => it.burst);
    lines.push(`Schedule: ${plan.iterations.length} iterations; bursts at iterations ${bursts.map((it) => `${it.index} (${it.startSeconds} s, ${it.installs} installs)`).join(', ') || 'none'}; others ${plan.iterations.find((it) => !it.burst)?.installs ?? 0} installs.`);
  } else {
    lines.push(`Schedule: ${plan.profile.executor}, ${plan.totals.installs} installs.`);
  }
  lines.push(`Totals: ${plan.totals.installs} installs, ${plan.totals.operations} operations, ${plan.totals.httpRequests} HTTP requests (up to ${plan.totals.httpRequestsWithAllRetries} with every retry).`);
  return lines.join('\n');
}
