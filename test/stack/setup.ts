// vitest globalSetup: make sure gunicorn, gevent, nginx, pip and sysstat are installed before any test runs.
import { ensureStackPackages } from './packages.js';

export default async function setup(): Promise<void> {
  ensureStackPackages();
}
