// vitest globalSetup: make sure the Debian packages of the local stack and Debian's chromium (the HTML report
// tests) are installed before any test runs, and say in one line when the stack will serve the lookalike because
// the vendored pypiserver is absent.
import { ensureChromium } from './chromium.js';
import { ensureStackPackages } from './packages.js';
import { announceIndexServer } from './stack.js';

export default async function setup(): Promise<void> {
  ensureStackPackages();
  ensureChromium();
  announceIndexServer();
}
