/**
 * A CloudWatch RequestCount export (the load balancer's requests per period)
 * as a ramping-arrival-rate scenario. The file is CSV (comma, semicolon or
 * tab separated, values optionally quoted, a header row optional): one column
 * of times (ISO 8601, "YYYY-MM-DD HH:MM[:SS]" in UTC unless a zone is given,
 * or epoch seconds / milliseconds) and one of counts (the column named Sum,
 * Value, RequestCount or Count, else the first numeric column after the times).
 * Each time starts a period (CloudWatch's convention); the period is the
 * smallest gap between times, a period without a row had no requests.
 * A period's requests become requests / (requests per install of the flow)
 * installs, started within the period as the user chooses:
 *   burst    all at its start, spread over `burstSeconds` (CI pipelines starting together)
 *   uniform  at an even rate over the whole period
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { nominalRequestsPerInstall } from '../flows.js';
import type { ClientBehaviour, FlowName, Repository } from '../types.js';

export type WithinPeriod = 'burst' | 'uniform';

export interface RequestCountSeries {
  /** Start of the first period, epoch ms. */
  startMs: number;
  periodSeconds: number;
  /** Requests in each period, from the first to the last row (missing periods 0). */
  requests: number[];
  /** Rows read, and periods the file had no row for. */
  rows: number;
  missingPeriods: number;
  sha256: string;
  /** Column headers used (or their positions). */
  timeColumn: string;
  valueColumn: string;
}

const VALUE_HEADERS = ['sum', 'value', 'requestcount', 'count', 'values'];

function splitRow(line: string, separator: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      out.push(field.trim());
      field = '';
    } else field += ch;
  }
  out.push(field.trim());
  return out;
}

/** Epoch ms of a time cell, NaN when it is not one. */
export function parseCellTime(text: string): number {
  const t = text.trim();
  if (/^\d{10}(\.\d+)?$/.test(t)) return Number(t) * 1000;
  if (/^\d{13}$/.test(t)) return Number(t);
  const m = /^(\d{4})[-/](\d\d)[-/](\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?\s*(Z|UTC|[+-]\d\d:?\d\d)?$/i.exec(t);
  if (!m) return NaN;
  const zone = !m[8] || /^(z|utc)$/i.test(m[8]) ? 'Z' : m[8].length === 5 ? `${m[8].slice(0, 3)}:${m[8].slice(3)}` : m[8];
  return Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}${zone}`);
}

function parseCount(text: string): number {
  const t = text.trim();
  if (t === '') return 0;
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
}

/** Reads a RequestCount export; every problem is one line naming the file and the line. */
export function readRequestCounts(file: string): RequestCountSeries {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new UserError(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const lines = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((text, i) => ({ text, number: i + 1 }))
    .filter((l) => l.text.trim() !== '' && !l.text.startsWith('#'));
  if (lines.length === 0) throw new UserError(`${file} is empty: a RequestCount export has a time and a count per row`);
  const first = lines[0].text;
  const separator = [',', ';', '\t'].map((s) => [s, first.split(s).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  const rows = lines.map((l) => ({ cells: splitRow(l.text, separator), number: l.number }));
  const firstIsData = rows[0].cells.some((c) => Number.isFinite(parseCellTime(c)));
  const header = firstIsData ? null : rows[0].cells;
  const data = firstIsData ? rows : rows.slice(1);
  if (data.length === 0) throw new UserError(`${file} has a header and no data rows`);
  const width = Math.max(...data.map((r) => r.cells.length));
  const timeIndex = Array.from({ length: width }, (_, k) => k).find((k) => data.every((r) => Number.isFinite(parseCellTime(r.cells[k] ?? ''))));
  if (timeIndex === undefined) {
    const bad = data.find((r) => !r.cells.some((c) => Number.isFinite(parseCellTime(c)))) ?? data[0];
    throw new UserError(`${file} line ${bad.number}: no time in "${bad.cells.join(separator).slice(0, 80)}" (a RequestCount export has a time and a count per row)`);
  }
  const named = header ? header.findIndex((h, k) => k !== timeIndex && VALUE_HEADERS.includes(h.toLowerCase().replace(/[^a-z]/g, ''))) : -1;
  const valueIndex = named >= 0 ? named : Array.from({ length: width }, (_, k) => k).find((k) => k > timeIndex && !Number.isNaN(parseCount(data[0].cells[k] ?? '')));
  if (valueIndex === undefined || valueIndex < 0) throw new UserError(`${file}: no column of request counts beside the times`);
  const points = data.map((r) => {
    const value = parseCount(r.cells[valueIndex] ?? '');
    if (Number.isNaN(value)) throw new UserError(`${file} line ${r.number}: "${r.cells[valueIndex]}" is not a request count`);
    return { ms: parseCellTime(r.cells[timeIndex]), value, line: r.number };
  });
  points.sort((a, b) => a.ms - b.ms);
  let period = Infinity;
  for (let k = 1; k < points.length; k++) {
    const gap = points[k].ms - points[k - 1].ms;
    if (gap === 0) throw new UserError(`${file}: lines ${points[k - 1].line} and ${points[k].line} both count ${new Date(points[k].ms).toISOString()}`);
    period = Math.min(period, gap);
  }
  if (!Number.isFinite(period)) period = 60_000;
  if (period < 1000 || period % 1000 !== 0) throw new UserError(`${file}: periods must be whole seconds of at least 1 s (the times are ${period} ms apart)`);
  const requests: number[] = [];
  for (const p of points) {
    const k = (p.ms - points[0].ms) / period;
    if (!Number.isInteger(k)) throw new UserError(`${file} line ${p.line}: ${new Date(p.ms).toISOString()} is not a whole number of ${period / 1000}-s periods after the first row`);
    while (requests.length < k) requests.push(0);
    requests.push(p.value);
  }
  return {
    startMs: points[0].ms,
    periodSeconds: period / 1000,
    requests,
    rows: points.length,
    missingPeriods: requests.length - points.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    timeColumn: header?.[timeIndex] || `column ${timeIndex + 1}`,
    valueColumn: header?.[valueIndex] || `column ${valueIndex + 1}`,
  };
}

export interface RampStage {
  durationSeconds: number;
  targetInstallsPerSecond: number;
}

/**
 * The ramping-arrival-rate stages (from a rate of 0) that start, in each
 * period, its requests / requestsPerInstall installs: the rate jumps (a 0-s
 * stage) and holds; neighbouring holds at one rate are one stage.
 */
export function stagesFor(series: RequestCountSeries, requestsPerInstall: number, within: WithinPeriod, burstSeconds: number): RampStage[] {
  const p = series.periodSeconds;
  const width = Math.min(burstSeconds, p);
  const round = (x: number) => Math.round(x * 1e9) / 1e9;
  const stages: RampStage[] = [];
  let rate = 0;
  const hold = (target: number, seconds: number) => {
    if (target !== rate) {
      stages.push({ durationSeconds: 0, targetInstallsPerSecond: target });
      rate = target;
    }
    const last = stages[stages.length - 1];
    if (last && last.durationSeconds > 0 && last.targetInstallsPerSecond === target) last.durationSeconds = round(last.durationSeconds + seconds);
    else stages.push({ durationSeconds: seconds, targetInstallsPerSecond: target });
  };
  for (const requests of series.requests) {
    const installs = requests / requestsPerInstall;
    if (within === 'uniform') hold(installs / p, p);
    else {
      hold(installs / width, width);
      if (p > width) hold(0, round(p - width));
    }
  }
  return stages;
}

export function requestsPerInstallOf(flow: FlowName): number {
  return nominalRequestsPerInstall(flow);
}

export interface CloudWatchScenarioOptions {
  name: string;
  path: string;
  flow: FlowName;
  within: WithinPeriod;
  burstSeconds: number;
  client: ClientBehaviour;
  repository: Repository;
  command: string;
}

export interface CloudWatchSummary {
  file: string;
  sha256: string;
  from: string;
  to: string;
  periodSeconds: number;
  periods: number;
  rows: number;
  missingPeriods: number;
  requests: number;
  peak: { start: string; requests: number };
  flow: FlowName;
  requestsPerInstall: number;
  installs: number;
  within: WithinPeriod;
  stages: number;
}

export function summarizeRequestCounts(series: RequestCountSeries, o: Pick<CloudWatchScenarioOptions, 'path' | 'flow' | 'within'>, stages: number): CloudWatchSummary {
  const perInstall = requestsPerInstallOf(o.flow);
  let peak = 0;
  for (let k = 1; k < series.requests.length; k++) if (series.requests[k] > series.requests[peak]) peak = k;
  const total = series.requests.reduce((a, b) => a + b, 0);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    file: o.path,
    sha256: series.sha256,
    from: iso(series.startMs),
    to: iso(series.startMs + series.requests.length * series.periodSeconds * 1000),
    periodSeconds: series.periodSeconds,
    periods: series.requests.length,
    rows: series.rows,
    missingPeriods: series.missingPeriods,
    requests: total,
    peak: { start: iso(series.startMs + peak * series.periodSeconds * 1000), requests: series.requests[peak] },
    flow: o.flow,
    requestsPerInstall: perInstall,
    installs: Math.round((total / perInstall) * 1000) / 1000,
    within: o.within,
    stages,
  };
}

/** The scenario file of a RequestCount import. */
export function buildCloudWatchScenario(series: RequestCountSeries, o: CloudWatchScenarioOptions): { scenario: Record<string, unknown>; summary: CloudWatchSummary } {
  const stages = stagesFor(series, requestsPerInstallOf(o.flow), o.within, o.burstSeconds);
  const summary = summarizeRequestCounts(series, o, stages.length);
  const spread = o.within === 'burst' ? `all at the start of their period, over ${Math.min(o.burstSeconds, series.periodSeconds)} s` : 'evenly over their period';
  return {
    summary,
    scenario: {
      $comment:
        `Imported by capsim scenario import from a CloudWatch RequestCount export: each ${series.periodSeconds}-s period's requests as ` +
        `requests / ${summary.requestsPerInstall} installs of ${o.flow}, started ${spread}. provenance says where the counts came from.`,
      name: o.name,
      description: `${Math.round(summary.requests).toLocaleString('en-US')} requests in ${summary.periods} periods of ${series.periodSeconds} s from ${summary.from} (peak ${summary.peak.requests} at ${summary.peak.start}), as ${o.flow} installs`,
      flow: o.flow,
      profile: { executor: 'ramping-arrival-rate', startInstallsPerSecond: 0, stages },
      client: o.client,
      repository: o.repository,
      provenance: {
        source: 'cloudwatch-request-count',
        command: o.command,
        paths: [o.path],
        sha256: series.sha256,
        timeRange: { from: summary.from, to: summary.to },
        periodSeconds: series.periodSeconds,
        rows: series.rows,
        missingPeriods: series.missingPeriods,
        columns: { time: series.timeColumn, requests: series.valueColumn },
        requests: summary.requests,
        peak: summary.peak,
        requestsPerInstall: summary.requestsPerInstall,
        withinPeriod: o.within,
        burstSeconds: o.within === 'burst' ? Math.min(o.burstSeconds, series.periodSeconds) : undefined,
      },
    },
  };
}
