import { UserError } from '../../errors.js';

/**
 * The autoscaling a sizing is deployed with, as the module sets it up:
 * target tracking on the ECS service (metric, target value, cooldowns, task
 * bounds) and the Auto Scaling group's bounds for the capacity provider. A
 * user states any part of it (command-line flags, or an `autoscaling`
 * section of a calibration file); the rest follows the module's defaults:
 * on, CPU at 60 %, cooldowns 300 s, task_min_count = the sizing's tasks,
 * task_max_count = 2 x task_min_count, asg_min_size = the sizing's instances,
 * asg_max_size = the instances task_max_count needs with the module's
 * placement, ceil(task_max_count / tasks per instance). How AWS runs the
 * policy (datapoints, delays, warm-up, steps) is in the model parameters.
 */

export const SCALE_METRICS = ['cpu', 'memory', 'requests'] as const;
export type ScaleMetric = (typeof SCALE_METRICS)[number];

/** The predefined metric CloudWatch publishes for each. */
export const CLOUDWATCH_METRICS: Record<ScaleMetric, string> = {
  cpu: 'ECSServiceAverageCPUUtilization',
  memory: 'ECSServiceAverageMemoryUtilization',
  requests: 'ALBRequestCountPerTarget',
};

export const METRIC_UNITS: Record<ScaleMetric, string> = {
  cpu: '% of reserved CPU',
  memory: '% of reserved memory',
  requests: 'requests per target per minute',
};

/** What a user may state; every field optional. */
export interface AutoscalingSettings {
  enabled?: boolean;
  metric?: string;
  targetValue?: number;
  minTasks?: number;
  maxTasks?: number;
  maxInstances?: number;
  scaleOutCooldownS?: number;
  scaleInCooldownS?: number;
  asgCpuPolicy?: boolean;
}

export type SettingName = keyof AutoscalingSettings;
export const SETTING_NAMES: readonly SettingName[] = ['enabled', 'metric', 'targetValue', 'minTasks', 'maxTasks', 'maxInstances', 'scaleOutCooldownS', 'scaleInCooldownS', 'asgCpuPolicy'];

/** The command-line flag of each setting. */
export const SETTING_FLAGS: Record<SettingName, string> = {
  enabled: '--autoscaling',
  metric: '--scale-metric',
  targetValue: '--scale-target',
  minTasks: '--min-tasks',
  maxTasks: '--max-tasks',
  maxInstances: '--max-instances',
  scaleOutCooldownS: '--scale-out-cooldown-s',
  scaleInCooldownS: '--scale-in-cooldown-s',
  asgCpuPolicy: '--asg-cpu-policy',
};

/** Settings from one place, and how to name each field of that place in a message. */
export interface SettingsLayer {
  settings: AutoscalingSettings;
  label(name: SettingName): string;
}

export const flagLayer = (settings: AutoscalingSettings): SettingsLayer => ({ settings, label: (name) => SETTING_FLAGS[name] });
export const fileLayer = (settings: AutoscalingSettings, file: string): SettingsLayer => ({ settings, label: (name) => `${file}: autoscaling.${name}` });

export interface AutoscalingPolicy {
  enabled: boolean;
  metric: ScaleMetric;
  /** CloudWatch's name of the metric. */
  cloudWatchMetric: string;
  targetValue: number;
  unit: string;
  minTasks: number;
  maxTasks: number;
  minInstances: number;
  maxInstances: number;
  scaleOutCooldownS: number;
  scaleInCooldownS: number;
  /** The ASG's own CPU target tracking policy (60 %) beside managed scaling. */
  asgCpuPolicy: boolean;
}

/** What the defaults are computed from. */
export interface ScalingSizing {
  tasks: number;
  instances: number;
  maxTasksPerInstance: number;
  /** Autoscaling needs ECS: a custom machine (the local stack) has none. */
  stackKind: 'aws' | 'local';
}

export const MODULE_DEFAULTS = { metric: 'cpu' as ScaleMetric, targetValue: 60, cooldownS: 300, maxTasksPerMinTask: 2 };

/** Layers later in the list override earlier ones; every problem is reported, in one line. */
export function resolveAutoscaling(layers: readonly SettingsLayer[], sizing: ScalingSizing): AutoscalingPolicy {
  const value: AutoscalingSettings = {};
  const from = new Map<SettingName, string>();
  for (const layer of layers) {
    for (const name of SETTING_NAMES) {
      const v = layer.settings[name];
      if (v === undefined) continue;
      (value as Record<SettingName, unknown>)[name] = v;
      from.set(name, layer.label(name));
    }
  }
  const label = (name: SettingName, fallback: string) => from.get(name) ?? fallback;
  const problems: string[] = [];
  const enabled = value.enabled ?? sizing.stackKind === 'aws';
  if (enabled && sizing.stackKind === 'local') {
    problems.push(`${label('enabled', '--autoscaling')} on needs an AWS sizing: a custom machine (the local stack) has no ECS service to scale`);
  }
  const metricText = value.metric ?? MODULE_DEFAULTS.metric;
  const metric = (SCALE_METRICS as readonly string[]).includes(metricText) ? (metricText as ScaleMetric) : null;
  if (!metric) problems.push(`${label('metric', '--scale-metric')} must be one of ${SCALE_METRICS.join(', ')}, got "${metricText}"`);
  const targetValue = value.targetValue ?? MODULE_DEFAULTS.targetValue;
  const percent = metric !== 'requests';
  if (!Number.isFinite(targetValue) || targetValue <= 0 || (percent && targetValue > 100)) {
    problems.push(
      percent
        ? `${label('targetValue', '--scale-target')} must be above 0 and at most 100 (% of the reservation, for metric ${metric ?? metricText}), got ${targetValue}`
        : `${label('targetValue', '--scale-target')} must be above 0 (requests per target per minute), got ${targetValue}`,
    );
  }
  const whole = (name: SettingName, v: number, min: number) => {
    if (!(Number.isInteger(v) && v >= min)) problems.push(`${label(name, SETTING_FLAGS[name])} must be a whole number >= ${min}, got ${v}`);
  };
  const minTasks = value.minTasks ?? sizing.tasks;
  whole('minTasks', minTasks, 1);
  const maxTasks = value.maxTasks ?? MODULE_DEFAULTS.maxTasksPerMinTask * minTasks;
  whole('maxTasks', maxTasks, 1);
  const minLabel = label('minTasks', "default: the sizing's --tasks");
  const maxLabel = label('maxTasks', 'default: 2 x min tasks');
  if (maxTasks < minTasks) problems.push(`max tasks ${maxTasks} (${maxLabel}) is below min tasks ${minTasks} (${minLabel})`);
  else if (enabled && (sizing.tasks < minTasks || sizing.tasks > maxTasks)) {
    problems.push(`the sizing's ${sizing.tasks} tasks (--tasks) must lie within min tasks ${minTasks} (${minLabel}) and max tasks ${maxTasks} (${maxLabel})`);
  }
  const minInstances = sizing.instances;
  const maxInstances = value.maxInstances ?? Math.max(minInstances, Math.ceil(maxTasks / sizing.maxTasksPerInstance));
  whole('maxInstances', maxInstances, 1);
  if (maxInstances < minInstances) {
    problems.push(`max instances ${maxInstances} (${label('maxInstances', '--max-instances')}) is below the sizing's ${minInstances} instances (asg_min_size)`);
  }
  const cooldown = (name: 'scaleOutCooldownS' | 'scaleInCooldownS') => {
    const v = value[name] ?? MODULE_DEFAULTS.cooldownS;
    if (!(Number.isFinite(v) && v >= 0 && v <= 86_400)) problems.push(`${label(name, SETTING_FLAGS[name])} must be between 0 and 86400 s, got ${v}`);
    return v;
  };
  const scaleOutCooldownS = cooldown('scaleOutCooldownS');
  const scaleInCooldownS = cooldown('scaleInCooldownS');
  if (problems.length > 0) throw new UserError(problems.join('; '));
  return {
    enabled,
    metric: metric!,
    cloudWatchMetric: CLOUDWATCH_METRICS[metric!],
    targetValue,
    unit: METRIC_UNITS[metric!],
    minTasks,
    maxTasks,
    minInstances,
    maxInstances,
    scaleOutCooldownS,
    scaleInCooldownS,
    asgCpuPolicy: value.asgCpuPolicy ?? false,
  };
}

/** Reads the `autoscaling` section of a calibration file (field types only; ranges are checked on resolving). */
export function settingsFromFile(raw: unknown, where: string): AutoscalingSettings {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError(`${where}: field "autoscaling" must be an object`);
  const out: AutoscalingSettings = {};
  const problems: string[] = [];
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    const field = `${where}: autoscaling.${name}`;
    if (!(SETTING_NAMES as readonly string[]).includes(name)) {
      problems.push(`${where}: unknown field "autoscaling.${name}" (known: ${SETTING_NAMES.join(', ')})`);
    } else if (name === 'enabled' || name === 'asgCpuPolicy') {
      if (typeof v === 'boolean') out[name] = v;
      else problems.push(`${field} must be true or false, got ${JSON.stringify(v)}`);
    } else if (name === 'metric') {
      if (typeof v === 'string') out.metric = v;
      else problems.push(`${field} must be one of ${SCALE_METRICS.join(', ')}, got ${JSON.stringify(v)}`);
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      out[name as Exclude<SettingName, 'enabled' | 'asgCpuPolicy' | 'metric'>] = v;
    } else {
      problems.push(`${field} must be a number, got ${JSON.stringify(v)}`);
    }
  }
  if (problems.length > 0) throw new UserError(problems.join('; '));
  return out;
}
