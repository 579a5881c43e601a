#!/usr/bin/env node
// capsim entry point: runs the compiled oclif commands and turns every failure
// into one line on stderr with a non-zero exit code (never a stack trace).
import { run, flush } from '@oclif/core';
import { reportFatal } from '../dist/src/cli/fatal.js';

try {
  await run(process.argv.slice(2), import.meta.url);
  await flush();
} catch (error) {
  process.exitCode = reportFatal(error);
}
