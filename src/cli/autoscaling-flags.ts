import { Flags } from '@oclif/core';
import type { LoadedCalibration } from '../calibrate/calibration-file.js';
import { type AutoscalingSettings, fileLayer, flagLayer, SCALE_METRICS, type SettingsLayer } from '../model/autoscaling/policy.js';
import type { FlagRule } from './applicable-flags.js';
import { parseDecimal, parseWholeNumber } from './flags.js';

/**
 * The deployed autoscaling policy as flags (predict, plan). Ranges that
 * depend on other settings (a percentage target, min <= max) are checked when
 * the policy is resolved against the sizing, so every problem is one line.
 */
export const autoscalingFlags = {
  autoscaling: Flags.string({ description: 'ECS service and instance autoscaling as the module deploys it (default on for AWS sizings)', options: ['on', 'off'] }),
  'scale-metric': Flags.string({
    description: 'target tracking metric: cpu (ECSServiceAverageCPUUtilization), memory (ECSServiceAverageMemoryUtilization), requests (ALBRequestCountPerTarget)',
    options: [...SCALE_METRICS],
  }),
  'scale-target': Flags.custom<number>({
    description: 'target value: % of the reservation for cpu and memory (default 60), requests per target per minute for requests',
    parse: async (raw) => parseDecimal('scale-target', raw),
  })(),
  'min-tasks': Flags.custom<number>({ description: "task_min_count (default: the sizing's --tasks)", parse: async (raw) => parseWholeNumber('min-tasks', raw, 1, 10000) })(),
  'max-tasks': Flags.custom<number>({ description: 'task_max_count (default: 2 x min tasks)', parse: async (raw) => parseWholeNumber('max-tasks', raw, 1, 10000) })(),
  'max-instances': Flags.custom<number>({
    description: 'asg_max_size (default: the instances max tasks need, ceil(max tasks / tasks per instance))',
    parse: async (raw) => parseWholeNumber('max-instances', raw, 1, 1000),
  })(),
  'scale-out-cooldown-s': Flags.custom<number>({ description: 'scale-out cooldown, s (default 300)', parse: async (raw) => parseDecimal('scale-out-cooldown-s', raw, 0, 86400) })(),
  'scale-in-cooldown-s': Flags.custom<number>({ description: 'scale-in cooldown, s (default 300)', parse: async (raw) => parseDecimal('scale-in-cooldown-s', raw, 0, 86400) })(),
  'asg-cpu-policy': Flags.string({ description: "also the ASG's own CPU target tracking policy (60 %), as the web-pod module attaches it (default off: it fights managed scaling)", options: ['on', 'off'] }),
};

type AutoscalingFlagValues = {
  autoscaling?: string;
  'scale-metric'?: string;
  'scale-target'?: number;
  'min-tasks'?: number;
  'max-tasks'?: number;
  'max-instances'?: number;
  'scale-out-cooldown-s'?: number;
  'scale-in-cooldown-s'?: number;
  'asg-cpu-policy'?: string;
};

/** The settings the flags state (absent flags stay undefined). */
export function autoscalingSettingsFromFlags(flags: AutoscalingFlagValues): AutoscalingSettings {
  const onOff = (v: string | undefined) => (v === undefined ? undefined : v === 'on');
  return {
    enabled: onOff(flags.autoscaling),
    metric: flags['scale-metric'],
    targetValue: flags['scale-target'],
    minTasks: flags['min-tasks'],
    maxTasks: flags['max-tasks'],
    maxInstances: flags['max-instances'],
    scaleOutCooldownS: flags['scale-out-cooldown-s'],
    scaleInCooldownS: flags['scale-in-cooldown-s'],
    asgCpuPolicy: onOff(flags['asg-cpu-policy']),
  };
}

/**
 * The policy flags (all but --autoscaling) apply only where autoscaling runs: an AWS sizing with it on
 * (--autoscaling, else the calibration file's autoscaling.enabled, else on). Given elsewhere, each is an
 * error (src/cli/applicable-flags.ts), not a setting silently ignored.
 */
export function autoscalingFlagRules(
  flags: AutoscalingFlagValues,
  calibration: LoadedCalibration,
  stackKind: 'aws' | 'local',
  /** The command's policy flags (plan has fewer; its --max-instances bounds its grid). */
  flagSet: Partial<typeof autoscalingFlags> = autoscalingFlags,
): FlagRule[] {
  const fromFile = calibration.file.autoscaling?.enabled;
  const enabled = flags.autoscaling !== undefined ? flags.autoscaling === 'on' : (fromFile ?? stackKind === 'aws');
  const because =
    stackKind === 'local'
      ? 'a custom machine (the local stack) has no ECS service to scale'
      : flags.autoscaling !== undefined
        ? 'autoscaling is off (--autoscaling off)'
        : `autoscaling is off (autoscaling.enabled false in ${calibration.path})`;
  return (Object.keys(flagSet) as Array<keyof AutoscalingFlagValues>)
    .filter((name) => name !== 'autoscaling')
    .map((name) => ({ flag: `--${name}`, given: flags[name] !== undefined, applies: stackKind === 'aws' && enabled, because }));
}

/** The policy's layers, weakest first: the calibration file's `autoscaling` section, then the flags. */
export function autoscalingLayers(calibration: LoadedCalibration, flags: AutoscalingFlagValues): SettingsLayer[] {
  const layers: SettingsLayer[] = [];
  if (calibration.file.autoscaling) layers.push(fileLayer(calibration.file.autoscaling, calibration.path));
  layers.push(flagLayer(autoscalingSettingsFromFlags(flags)));
  return layers;
}

/** The policy flags that make sense across a grid of sizings (bounds follow each candidate). */
export const planAutoscalingFlags = {
  autoscaling: autoscalingFlags.autoscaling,
  'scale-metric': autoscalingFlags['scale-metric'],
  'scale-target': autoscalingFlags['scale-target'],
  'scale-out-cooldown-s': autoscalingFlags['scale-out-cooldown-s'],
  'scale-in-cooldown-s': autoscalingFlags['scale-in-cooldown-s'],
  'asg-cpu-policy': autoscalingFlags['asg-cpu-policy'],
};

/**
 * Plan's layers: as predict's, without a file's task and instance bounds
 * (they describe one sizing; each candidate gets the module's bounds for its own).
 */
export function planAutoscalingLayers(calibration: LoadedCalibration, flags: AutoscalingFlagValues): SettingsLayer[] {
  // Plan's own --max-instances bounds its grid; it is not the policy's.
  const withoutBounds = ({ minTasks: _min, maxTasks: _max, maxInstances: _instances, ...rest }: AutoscalingSettings): AutoscalingSettings => rest;
  const layers: SettingsLayer[] = [];
  if (calibration.file.autoscaling) layers.push(fileLayer(withoutBounds(calibration.file.autoscaling), calibration.path));
  layers.push(flagLayer(withoutBounds(autoscalingSettingsFromFlags(flags))));
  return layers;
}

/** Plan's policy flags that were given, as they would be typed again (for its reproducing predict command). */
export function autoscalingArgs(flags: AutoscalingFlagValues): string[] {
  const out: string[] = [];
  for (const name of Object.keys(planAutoscalingFlags) as Array<keyof AutoscalingFlagValues>) {
    const value = flags[name];
    if (value !== undefined) out.push(`--${name} ${value}`);
  }
  return out;
}
