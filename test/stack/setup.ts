// vitest globalSetup: make sure gunicorn, gevent, nginx, pip and sysstat (the local stack) and Debian's
// chromium (the HTML report tests) are installed before any test runs.
import { ensureChromium } from './chromium.js';
import { ensureStackPackages } from './packages.js';

export default async function setup(): Promise<void> {
  ensureStackPackages();
  ensureChromium();
}
