/**
 * The files `capsim report` (and compare's --report) accepts, recognised by
 * their content: a run directory of validate (summary.json, and the
 * operations of requests.ndjson next to it when present), a run summary
 * file, a `capsim predict --json` output, or a `capsim plan --json` output.
 * Anything else is one line naming the file and what was expected.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { UserError } from '../../errors.js';
import { readJsonFile, type JsonObject } from '../../input/data-file.js';
import type { PlanResult } from '../../plan/plan.js';
import type { PredictionData } from './prediction-view.js';
import type { RunData, RunOperation } from './run-view.js';

export type PlanData = PlanResult & { reproduce?: string | null; tfvars?: string | null };

export type ReportInput =
  | { kind: 'prediction'; file: string; data: PredictionData }
  | { kind: 'run'; file: string; summary: RunData; operations: RunOperation[] | null }
  | { kind: 'plan'; file: string; data: PlanData };

const isObject = (x: unknown): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x);

export function isPrediction(x: unknown): boolean {
  return isObject(x) && isObject(x.config) && isObject(x.errorRate) && isObject(x.latencyMs);
}

export function isRunSummary(x: unknown): boolean {
  return isObject(x) && typeof x.error_rate === 'number' && typeof x.total_requests === 'number' && typeof x.successful_requests === 'number' && typeof x.duration_seconds === 'number';
}

export function isPlan(x: unknown): boolean {
  return isObject(x) && isObject(x.slo) && Array.isArray(x.candidates) && isObject(x.analysis);
}

/** The operations recorded in requests.ndjson (the last request of each carries the outcome); null when the file is absent. */
export async function readRunOperations(file: string): Promise<RunOperation[] | null> {
  if (!existsSync(file)) return null;
  const operations: RunOperation[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.includes('"op_final"')) continue;
    let record: JsonObject;
    try {
      record = JSON.parse(line) as JsonObject;
    } catch {
      continue; // a line cut short by a crash: the rest of the file still counts
    }
    if (record.op_final === true && typeof record.operation === 'string' && typeof record.op_latency_ms === 'number') {
      operations.push({ operation: record.operation, ok: record.op_ok === true, latencyMs: record.op_latency_ms });
    }
  }
  return operations;
}

/** Reads one input of a report; `operations: false` skips reading a run's requests.ndjson (nothing will draw its CDF). */
export async function readReportInput(file: string, options: { operations?: boolean } = {}): Promise<ReportInput> {
  if (!existsSync(file)) throw new UserError(`${file} does not exist (give a validate run directory, a summary.json, a predict --json or a plan --json file)`);
  const directory = statSync(file).isDirectory();
  const json = directory ? path.join(file, 'summary.json') : file;
  if (directory && !existsSync(json)) throw new UserError(`${file} is a directory without summary.json (not a capsim validate run directory)`);
  const raw = readJsonFile(json, 'report input');
  if (isRunSummary(raw)) {
    const operations = options.operations === false ? null : await readRunOperations(path.join(path.dirname(json), 'requests.ndjson'));
    return { kind: 'run', file: directory ? file : json, summary: raw as RunData, operations };
  }
  if (isPrediction(raw)) return { kind: 'prediction', file, data: raw as PredictionData };
  if (isPlan(raw)) return { kind: 'plan', file, data: raw as PlanData };
  throw new UserError(`${json}: not a run summary, a capsim predict --json output or a capsim plan --json output`);
}
