/**
 * The groups `--help` lists flags under (oclif's helpGroup): SIZING (what is
 * deployed), LOAD (the traffic: scenario and its overrides), MODEL (how it is
 * simulated), OUTPUT (what is printed or written, and gates). Flags of a
 * command's own job (plan's SLO, validate's target, calibrate's fit) stay
 * under FLAGS. One map, so a flag sits in the same group on every command.
 */
export const FLAG_GROUPS: Record<string, 'SIZING' | 'LOAD' | 'MODEL' | 'OUTPUT'> = {
  instance: 'SIZING', vcpus: 'SIZING', 'memory-gb': 'SIZING', instances: 'SIZING', tasks: 'SIZING', workers: 'SIZING',
  'worker-class': 'SIZING', algorithm: 'SIZING', 'lor-feedback-ms': 'SIZING', 'container-memory': 'SIZING', stickiness: 'SIZING',
  placements: 'SIZING', 'max-instances': 'SIZING', 'min-tasks': 'SIZING', 'max-tasks': 'SIZING', autoscaling: 'SIZING',
  'scale-metric': 'SIZING', 'scale-target': 'SIZING', 'scale-in-cooldown-s': 'SIZING', 'scale-out-cooldown-s': 'SIZING', 'asg-cpu-policy': 'SIZING',
  'allow-idle-instances': 'SIZING',
  scenario: 'LOAD', flow: 'LOAD', 'burst-size': 'LOAD', baseline: 'LOAD', duration: 'LOAD', 'timeout-s': 'LOAD', cookies: 'LOAD',
  requirements: 'LOAD', 'repository-from': 'LOAD', headroom: 'LOAD', projects: 'LOAD', 'project-pick': 'LOAD',
  engine: 'LOAD', 'locust-workers': 'LOAD', 'locust-expect-workers': 'LOAD', 'locust-master-bind': 'LOAD', 'locust-master-port': 'LOAD',
  'locust-wait-s': 'LOAD', 'locust-python': 'LOAD', 'print-locustfile': 'LOAD',
  calibration: 'MODEL', set: 'MODEL', replications: 'MODEL', seed: 'MODEL', routing: 'MODEL', threads: 'MODEL', racing: 'MODEL',
  json: 'OUTPUT', report: 'OUTPUT', csv: 'OUTPUT', threshold: 'OUTPUT', tfvars: 'OUTPUT', timeline: 'OUTPUT', progress: 'OUTPUT',
  verbose: 'OUTPUT', 'out-dir': 'OUTPUT', out: 'OUTPUT',
};

/** A command's flags with their help groups set from FLAG_GROUPS. */
export function grouped<T extends Record<string, object>>(flags: T): T {
  return Object.fromEntries(
    Object.entries(flags).map(([name, flag]) => [name, FLAG_GROUPS[name] ? { ...flag, helpGroup: FLAG_GROUPS[name] } : flag]),
  ) as T;
}
