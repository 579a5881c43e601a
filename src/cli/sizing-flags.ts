import { Flags } from '@oclif/core';
import { parseDecimal, parseWholeNumber } from './flags.js';
import { ALGORITHMS } from '../model/balancer/config.js';
import { WORKER_CLASSES } from '../model/gunicorn.js';
import { FLOW_NAMES } from '../scenario/flows.js';
import { COOKIE_SCOPES } from '../scenario/types.js';

/** `--stickiness on|off`: target-group stickiness (lb_cookie), or the local stack's sticky nginx. */
export const STICKINESS_CHOICES = ['on', 'off'] as const;
export type StickinessChoice = (typeof STICKINESS_CHOICES)[number];

/** on -> true, off -> false, absent -> undefined (the balancer's default). */
export function stickinessOf(choice: string | undefined): boolean | undefined {
  return choice === undefined ? undefined : choice === 'on';
}

/** The sizing flags shared by predict and validate (validate only records them). */
export const sizingFlags = {
  instance: Flags.string({ description: 'EC2 instance type from models/instances.json, or "custom" with --vcpus and --memory-gb', default: 'c6a.xlarge' }),
  vcpus: Flags.custom<number>({ description: 'vCPUs of a custom instance', parse: async (raw) => parseDecimal('vcpus', raw, 0.1, 1024) })(),
  'memory-gb': Flags.custom<number>({ description: 'memory (GiB) of a custom instance', parse: async (raw) => parseDecimal('memory-gb', raw, 0.1, 24576) })(),
  instances: Flags.custom<number>({ description: 'EC2 instances (default: the fewest that place the tasks)', parse: async (raw) => parseWholeNumber('instances', raw, 1, 1000) })(),
  tasks: Flags.custom<number>({ description: 'ECS tasks in total (gunicorn servers behind the load balancer)', default: 12, parse: async (raw) => parseWholeNumber('tasks', raw, 1, 10000) })(),
  workers: Flags.custom<number>({ description: 'gunicorn workers per task', default: 4, parse: async (raw) => parseWholeNumber('workers', raw, 1, 256) })(),
  'worker-class': Flags.string({ description: 'gunicorn worker class', options: [...WORKER_CLASSES], default: 'gevent' }),
  algorithm: Flags.string({ description: 'routing algorithm (least_conn = nginx: least outstanding requests with 0 ms feedback)', options: [...ALGORITHMS, 'least_conn'], default: 'round_robin' }),
  'lor-feedback-ms': Flags.custom<number>({ description: 'least outstanding requests: age of the counts a node routes on, ms (0 = perfect knowledge)', parse: async (raw) => parseDecimal('lor-feedback-ms', raw, 0, 3_600_000) })(),
  'container-memory': Flags.custom<number>({ description: 'container_memory per task, MiB (module default 512)', parse: async (raw) => parseWholeNumber('container-memory', raw, 6, 1_000_000) })(),
  stickiness: Flags.string({
    description: 'target-group stickiness (lb_cookie): default on for an AWS instance, as the module deploys it (alb.stickiness), off for a custom machine (the local stack\'s plain nginx; on = its sticky mode)',
    options: [...STICKINESS_CHOICES],
  }),
};

/** Scenario overrides shared by predict and validate. */
export const scenarioOverrideFlags = {
  flow: Flags.string({ description: 'override the scenario flow', options: [...FLOW_NAMES] }),
  'burst-size': Flags.custom<number>({ description: 'override installs per burst', parse: async (raw) => parseWholeNumber('burst-size', raw, 0, 100000) })(),
  baseline: Flags.custom<number>({ description: 'override installs per ordinary iteration', parse: async (raw) => parseWholeNumber('baseline', raw, 0, 100000) })(),
  duration: Flags.custom<number>({ description: 'override the run duration, seconds', parse: async (raw) => parseDecimal('duration', raw, 0.001, 86400) })(),
  'timeout-s': Flags.custom<number>({ description: 'override the client timeout, seconds', parse: async (raw) => parseDecimal('timeout-s', raw, 0.001, 3600) })(),
  cookies: Flags.string({
    description: 'override who shares a cookie jar: shared (one for the whole run, the seed tool), per-install (one per install, real pip), none',
    options: [...COOKIE_SCOPES],
  }),
};
