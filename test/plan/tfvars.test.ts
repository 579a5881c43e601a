import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { getInstanceType } from '../../src/model/catalog.js';
import { placeTasks } from '../../src/model/placement.js';
import { TFVARS_VARIABLES, hclString, tfvarsFormatFor, writeTfvars, writeTfvarsJson, type TfvarsSizing } from '../../src/plan/tfvars.js';
import { parseHclAssignments } from './hcl-assignments.js';

function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

/** The FACTS final sizing, taken from the placement rather than typed in. */
function factsSizing(): TfvarsSizing {
  const p = placeTasks({ instanceType: getInstanceType('c6a.xlarge'), tasks: 12, workers: 4 });
  return {
    instanceType: p.instanceType,
    instancesMin: p.instances,
    instancesMax: p.instances * 2,
    tasksMin: p.tasks,
    tasksMax: p.tasks * 2,
    containerMemoryMb: p.containerMemoryMb,
    containerMemoryReservationMb: p.reservationMb,
    containerCpu: p.containerCpu,
    workers: p.workers,
    efsThroughputMode: 'elastic',
  };
}

describe('tfvars writer', () => {
  it('round-trips through an HCL parser with the module variable names', () => {
    const text = writeTfvars(factsSizing(), ['capsim plan, scenario production-incident', 'P95 13.9 s, error rate 0.05 %']);
    expect(parseHclAssignments(text)).toEqual({
      asg_instance_type: 'c6a.xlarge',
      asg_min_size: 2,
      asg_max_size: 4,
      task_min_count: 12,
      task_max_count: 24,
      container_memory: 512,
      container_memory_reservation: 384,
      container_cpu: 640,
      gunicorn_workers: 4,
      efs_throughput_mode: 'elastic',
    });
    expect(Object.keys(parseHclAssignments(text))).toEqual([...TFVARS_VARIABLES]);
  });

  it('writes the header as comments, then aligned assignments', () => {
    const text = writeTfvars(factsSizing(), ['first', '', 'multi\nline "quoted" = 3']);
    const lines = text.split('\n');
    expect(lines.slice(0, 6)).toEqual(['# first', '#', '# multi', '# line "quoted" = 3', '', 'asg_instance_type            = "c6a.xlarge"']);
    expect(text.endsWith('"elastic"\n')).toBe(true);
    const equalsColumns = new Set(lines.filter((l) => l.includes(' = ') && !l.startsWith('#')).map((l) => l.indexOf('=')));
    expect(equalsColumns.size).toBe(1);
    // the header is not an assignment
    expect(Object.keys(parseHclAssignments(text))).toHaveLength(TFVARS_VARIABLES.length);
  });

  it('has no header block without header lines', () => {
    expect(writeTfvars(factsSizing()).startsWith('asg_instance_type ')).toBe(true);
  });

  it('escapes strings so they parse back unchanged', () => {
    for (const value of ['plain', 'a"b', 'back\\slash', 'tab\there', 'line\nbreak', '${var.x}', '%{if}']) {
      expect(parseHclAssignments(`x = ${hclString(value)}\n`).x).toBe(value);
    }
  });

  it('rejects inconsistent sizings', () => {
    expect(thrown(() => writeTfvars({ ...factsSizing(), instancesMin: 5, instancesMax: 2 })).message).toBe(
      'tfvars: asg_min_size 5 is above asg_max_size 2',
    );
    expect(thrown(() => writeTfvars({ ...factsSizing(), tasksMin: 30 })).message).toBe('tfvars: task_min_count 30 is above task_max_count 24');
    expect(thrown(() => writeTfvars({ ...factsSizing(), containerMemoryReservationMb: 600 })).message).toBe(
      'tfvars: container_memory_reservation 600 is above container_memory 512',
    );
    expect(thrown(() => writeTfvars({ ...factsSizing(), workers: 1.5 })).message).toBe('tfvars: gunicorn_workers must be a whole number >= 1 (got 1.5)');
    expect(thrown(() => writeTfvars({ ...factsSizing(), instanceType: 'c6a.xlarge"\nx = 1' })).message).toContain(
      'tfvars: instance type must be an EC2 type name',
    );
    expect(thrown(() => writeTfvars({ ...factsSizing(), efsThroughputMode: 'max' as never })).message).toBe(
      'tfvars: efs_throughput_mode must be one of bursting, elastic, provisioned (got "max")',
    );
  });
});

describe('the test HCL parser', () => {
  it('reads the assignment subset', () => {
    expect(parseHclAssignments('# c\n// c\n\na = 1\nb = "x # y" # trailing\nc = -2.5e1\nd = true\n')).toEqual({
      a: 1,
      b: 'x # y',
      c: -25,
      d: true,
    });
  });

  it('rejects what is not a plain assignment', () => {
    expect(() => parseHclAssignments('a = unquoted\n')).toThrow('line 1: unsupported value "unquoted"');
    expect(() => parseHclAssignments('a = "open\n')).toThrow('line 1: unterminated string');
    expect(() => parseHclAssignments('a = 1\na = 2\n')).toThrow('line 2: "a" assigned twice');
    expect(() => parseHclAssignments('just words\n')).toThrow('line 1: expected name = value');
    expect(() => parseHclAssignments('a = "${x}"\n')).toThrow('template interpolation');
    expect(() => parseHclAssignments('a = 1 2\n')).toThrow('unexpected "2"');
  });
});

describe('*.tfvars.json', () => {
  it('is the same variables as the HCL file, as one JSON object Terraform reads natively, and is chosen by the file name', () => {
    const sizing = factsSizing();
    const json = JSON.parse(writeTfvarsJson(sizing)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([...TFVARS_VARIABLES]);
    expect(json).toEqual(parseHclAssignments(writeTfvars(sizing, ['a header'])));
    expect(tfvarsFormatFor('sizing.auto.tfvars.json')).toBe('json');
    expect(tfvarsFormatFor('prod.TFVARS.JSON')).toBe('json');
    expect(tfvarsFormatFor('sizing.auto.tfvars')).toBe('hcl');
    expect(tfvarsFormatFor('terraform.tfvars')).toBe('hcl');
  });
});
