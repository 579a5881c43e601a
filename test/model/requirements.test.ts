// An install of several requirements (pip install -r) in the model: its operations run once per project, one
// after another on the install's connection, and pip stops the install at its first failure.
import { describe, expect, it } from 'vitest';
import { flowForRequirements, FLOWS } from '../../src/scenario/flows.js';
import { RunRecorder } from '../../src/model/recorder.js';
import { applyOverrides } from '../../src/scenario/load.js';
import { burstScenario, params, run } from './helpers.js';

describe('requirements per install', () => {
  it('repeats the flow\'s operations once per project; the recorder reports each operation name once', () => {
    const flow = flowForRequirements(FLOWS['pip-root-index'], 3);
    expect(flow.steps.map((s) => s.operation)).toEqual(['root', 'download', 'root', 'download', 'root', 'download']);
    expect(flow.stopOnFailure).toBe(true);
    expect(flowForRequirements(FLOWS['seed-tool'], 1)).toBe(FLOWS['seed-tool']);
    // poetry reads every page before it downloads any file
    expect(flowForRequirements(FLOWS.poetry, 2).steps.map((s) => s.operation)).toEqual(['simple', 'simple', 'download', 'download']);
    const recorder = new RunRecorder(flow.steps.map((s) => s.operation));
    expect(recorder.opNames).toEqual(['root', 'download']);
    recorder.operation(4, 0, 10, true, null);
    recorder.operation(5, 0, 20, false, 'clientTimeout');
    expect(recorder.failuresOf(0)).toEqual({ count: 1, failed: 0 });
    expect(recorder.failuresOf(1)).toEqual({ count: 1, failed: 1 });
  });

  it('an install of 3 projects makes 3 times the operations of one, one after another', () => {
    const one = burstScenario({ flow: 'pip-root-index', burst: 20, baseline: 0, duration: 5, first: 0 });
    const three = applyOverrides(one, { requirements: 3 });
    expect(three.requirements).toBe(3);
    const sizing = { instance: 'c6a.xlarge', tasks: 2, workers: 2 };
    const a = run(sizing, one, params(), 2);
    const b = run(sizing, three, params(), 2);
    expect(a.operations.mean).toBe(40);
    expect(b.operations.mean).toBe(120);
    expect(b.perOperation.root.operations.mean).toBe(60);
    expect(() => applyOverrides(one, { requirements: 0 })).toThrow('--requirements must be a whole number of projects per install from 1 to 1000, got 0');
  });
});
