import { type Hook, toConfiguredId } from '@oclif/core';
import askDidYouMean from '@oclif/plugin-not-found';
import { closestNames } from '../../input/closest-names.js';
import { EXIT } from '../exit-codes.js';

/**
 * A mistyped command. On a terminal, @oclif/plugin-not-found's hook asks
 * "Did you mean predict?" and runs it. Its non-interactive path names no
 * command, so for scripts and CI this hook says the closest command in one
 * line and exits with the bad-input code (the plugin is therefore called
 * from here rather than registered: both would answer).
 */
const hook: Hook<'command_not_found'> = async function (opts) {
  if (process.stdin.isTTY && process.stderr.isTTY) return askDidYouMean.call(this, opts);
  const known = opts.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases]);
  const typed = toConfiguredId(opts.id, opts.config);
  const suggestion = closestNames(opts.id, known, 1).map((id) => toConfiguredId(id, opts.config))[0];
  this.error(`"${typed}" is not a capsim command${suggestion ? `; did you mean "${suggestion}"?` : ''} (capsim help lists the commands)`, { exit: EXIT.badInput });
};

export default hook;
