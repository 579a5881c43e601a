import { UserError } from '../errors.js';
import { checkNumber } from '../input/data-file.js';
import { EFS_THROUGHPUT_MODES, type EfsThroughputMode } from '../cost/monthly-cost.js';

/**
 * Writes a sizing as a terraform.tfvars file for the terraform-aws-pypiserver
 * module: one `name = value` line per module variable, names aligned as
 * `terraform fmt` would, preceded by `#` comment lines.
 */

export interface TfvarsSizing {
  instanceType: string;
  instancesMin: number;
  instancesMax: number;
  tasksMin: number;
  tasksMax: number;
  /** container_memory, MiB. */
  containerMemoryMb: number;
  /** container_memory_reservation, MiB. */
  containerMemoryReservationMb: number;
  /** container_cpu, CPU units. */
  containerCpu: number;
  workers: number;
  efsThroughputMode: EfsThroughputMode;
}

export type TfvarsValue = string | number;

/** The module's variable names, in the order they are written. */
export const TFVARS_VARIABLES = [
  'asg_instance_type',
  'asg_min_size',
  'asg_max_size',
  'task_min_count',
  'task_max_count',
  'container_memory',
  'container_memory_reservation',
  'container_cpu',
  'gunicorn_workers',
  'efs_throughput_mode',
] as const;
export type TfvarsVariable = (typeof TFVARS_VARIABLES)[number];

/** Checks a sizing and maps it to the module's variables. */
export function tfvarsAssignments(sizing: TfvarsSizing): Record<TfvarsVariable, TfvarsValue> {
  const where = 'tfvars';
  const whole = (value: number, label: string, min: number): number => checkNumber(value, { integer: true, min }, where, label);
  if (typeof sizing.instanceType !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/.test(sizing.instanceType)) {
    throw new UserError(`${where}: instance type must be an EC2 type name like "c6a.xlarge" (got ${JSON.stringify(sizing.instanceType)})`);
  }
  const asgMin = whole(sizing.instancesMin, 'asg_min_size', 0);
  const asgMax = whole(sizing.instancesMax, 'asg_max_size', 1);
  const taskMin = whole(sizing.tasksMin, 'task_min_count', 0);
  const taskMax = whole(sizing.tasksMax, 'task_max_count', 1);
  if (asgMin > asgMax) throw new UserError(`${where}: asg_min_size ${asgMin} is above asg_max_size ${asgMax}`);
  if (taskMin > taskMax) throw new UserError(`${where}: task_min_count ${taskMin} is above task_max_count ${taskMax}`);
  const memory = whole(sizing.containerMemoryMb, 'container_memory', 6);
  const reservation = whole(sizing.containerMemoryReservationMb, 'container_memory_reservation', 1);
  if (reservation > memory) {
    throw new UserError(`${where}: container_memory_reservation ${reservation} is above container_memory ${memory}`);
  }
  if (!(EFS_THROUGHPUT_MODES as readonly string[]).includes(sizing.efsThroughputMode)) {
    throw new UserError(`${where}: efs_throughput_mode must be one of ${EFS_THROUGHPUT_MODES.join(', ')} (got ${JSON.stringify(sizing.efsThroughputMode)})`);
  }
  return {
    asg_instance_type: sizing.instanceType,
    asg_min_size: asgMin,
    asg_max_size: asgMax,
    task_min_count: taskMin,
    task_max_count: taskMax,
    container_memory: memory,
    container_memory_reservation: reservation,
    container_cpu: whole(sizing.containerCpu, 'container_cpu', 1),
    gunicorn_workers: whole(sizing.workers, 'gunicorn_workers', 1),
    efs_throughput_mode: sizing.efsThroughputMode,
  };
}

/** An HCL string literal: quotes, backslashes, control characters and template openers escaped. */
export function hclString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    // function replacers: in a replacement string '$$' would collapse to '$'
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
  return `"${escaped}"`;
}

function hclValue(value: TfvarsValue): string {
  return typeof value === 'number' ? String(value) : hclString(value);
}

/** Comment lines: each header line (split on newlines) becomes "# line" ("#" alone when empty). */
export function hclComments(lines: readonly string[]): string[] {
  return lines
    .flatMap((text) => text.split(/\r?\n/))
    .map((text) => (text.trim() === '' ? '#' : `# ${text.trimEnd()}`));
}

/** The tfvars text: comment header, blank line, aligned assignments, trailing newline. */
export function writeTfvars(sizing: TfvarsSizing, header: readonly string[] = []): string {
  const assignments = tfvarsAssignments(sizing);
  const width = Math.max(...TFVARS_VARIABLES.map((name) => name.length));
  const body = TFVARS_VARIABLES.map((name) => `${name.padEnd(width)} = ${hclValue(assignments[name])}`);
  const comments = hclComments(header);
  return [...comments, ...(comments.length > 0 ? [''] : []), ...body].join('\n') + '\n';
}
