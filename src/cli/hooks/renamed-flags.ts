import type { Hook } from '@oclif/core';
import { RENAMED_FLAGS } from '../renamed-flags.js';

/** Before a command runs: one line on stderr for each old flag spelling it was given (the flag still works). */
const hook: Hook<'prerun'> = async function (opts) {
  const renamed = RENAMED_FLAGS[opts.Command.id] ?? {};
  for (const [old, current] of Object.entries(renamed)) {
    if (opts.argv.some((arg) => arg === `--${old}` || arg.startsWith(`--${old}=`))) {
      process.stderr.write(`capsim: --${old} is deprecated and will be removed in the next release; use --${current}\n`);
    }
  }
};

export default hook;
