import { describe, expect, it } from 'vitest';
import { closestParameterNames, defaultParameters, loadParameterSchema, ModelUnits, PARAMETER_NAMES, parameterSchema, withOverrides } from '../../src/model/parameters.js';
import { shippedJson, tempFile } from './temp-data.js';

describe('parameter schema', () => {
  it('the shipped file defines every parameter the model reads, with a unit, bounds and a meaning', () => {
    const schema = parameterSchema();
    expect(Object.keys(schema).sort()).toEqual([...PARAMETER_NAMES].sort());
    for (const spec of Object.values(schema)) {
      expect(spec.description.length).toBeGreaterThan(10);
      expect(spec.value).toBeGreaterThanOrEqual(spec.min);
      expect(spec.value).toBeLessThanOrEqual(spec.max);
    }
    expect(schema['alb.nodes']).toMatchObject({ unit: 'nodes', min: 1, max: 10, integer: true, scale: 'log' });
    // The ALB's own limits, and what a real server could show.
    expect(schema['alb.healthIntervalS']).toMatchObject({ min: 5, max: 300 });
    expect(schema['storage.nfsThroughputMBps'].min).toBeGreaterThan(0);
    expect(schema['alb.surgeConnectionsPerSecond'].min).toBeGreaterThan(0);
    expect(schema['service.requestCpuMs'].max).toBe(1000);
    expect(schema['storage.attrCacheMissRate']).toMatchObject({ min: 0, max: 1, scale: 'linear' });
  });

  it('refuses an entry without both bounds (a parameter added later must state its range)', () => {
    const json = shippedJson('parameters.json');
    delete json.parameters['gunicorn.timeoutS'].max;
    delete json.parameters['client.rttMs'].min;
    json.parameters['cpu.contentionOverhead'].scale = 'cubic';
    const file = tempFile(json, 'parameters.json');
    expect(() => loadParameterSchema(file)).toThrow(
      'parameter "cpu.contentionOverhead": field "scale" must be one of "log", "linear" (got "cubic"); ' +
        'parameter "gunicorn.timeoutS": field "max" is required (every parameter states the range a real stack can show: min and max); ' +
        'parameter "client.rttMs": field "min" is required (every parameter states the range a real stack can show: min and max)',
    );
  });

  it('reports every problem of a file at once, each naming the parameter and field', () => {
    const json = shippedJson('parameters.json');
    json.parameters['alb.nodes'].value = 1.5;
    json.parameters['gunicorn.timeoutS'].unit = 'minutes';
    delete json.parameters['client.rttMs'];
    json.parameters['client.rtt'] = { value: 1, unit: 'ms', min: 0, description: 'misspelt' };
    const file = tempFile(json, 'parameters.json');
    expect(() => loadParameterSchema(file)).toThrow(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 4 problems: unknown parameter "client.rtt"; ` +
          'parameter "gunicorn.timeoutS": field "unit" must be one of .*\\(got "minutes"\\); ' +
          'parameter "alb.nodes": value must be a whole number \\(got 1.5\\); parameter "client.rttMs" is missing$',
      ),
    );
  });

  it('checks overrides against the same bounds, all at once', () => {
    expect(() => withOverrides(defaultParameters(), { 'alb.nodes': 0, 'storage.attrCacheMissRate': 2, nope: 1 }, 'calibration/x.json')).toThrow(
      'calibration/x.json: 3 problems: parameter "alb.nodes" must be between 1 and 10 nodes (got 0); parameter "storage.attrCacheMissRate" must be between 0 and 1 (got 2); unknown parameter "nope"',
    );
    expect(() => withOverrides(defaultParameters(), { 'alb.nodes': 0 }, '--set')).toThrow('--set: parameter "alb.nodes" must be between 1 and 10 nodes (got 0)');
    expect(() => withOverrides(defaultParameters(), { 'alb.healthIntervalS': 0 }, '--set')).toThrow('--set: parameter "alb.healthIntervalS" must be between 5 and 300 s (got 0)');
  });

  it('suggests the closest names for an unknown one, whole or without its group', () => {
    expect(closestParameterNames('service.walkCpuPerFile')[0]).toBe('service.walkCpuPerFileMs');
    expect(closestParameterNames('walkCpuPerFileMs')[0]).toBe('service.walkCpuPerFileMs');
    expect(closestParameterNames('ALB.NODES')[0]).toBe('alb.nodes');
    expect(() => withOverrides(defaultParameters(), { 'alb.node': 2 }, '--set')).toThrow(/^--set: unknown parameter "alb.node"; did you mean alb.nodes, .*\? \(see models\/parameters.json\)$/);
  });

  it('converts to the model units once, by unit: s -> ms, KB -> MB; a wrong dimension is refused', () => {
    const p = withOverrides(defaultParameters(), { 'alb.idleTimeoutS': 2.5, 'memory.perInFlightKB': 512, 'client.rttMs': 8 }, 'test');
    const u = new ModelUnits(p);
    expect(u.ms('alb.idleTimeoutS')).toBe(2500);
    expect(u.ms('client.rttMs')).toBe(8);
    expect(u.mb('memory.perInFlightKB')).toBe(0.5);
    expect(u.value('alb.nodes')).toBe(p['alb.nodes']);
    expect(() => u.ms('memory.perInFlightKB')).toThrow('parameter memory.perInFlightKB is in "KB": read it with mb()');
    expect(() => u.value('alb.idleTimeoutS')).toThrow('parameter alb.idleTimeoutS is in "s": read it with ms()');
  });
});
