import { UserError } from '../errors.js';
import { configSourceOf } from './config-values.js';

/**
 * A flag that only means something with some other choice (--vcpus with --instance custom, --asg-name with
 * SSM diagnostics). Given where it does not apply, it is an error, not silently ignored: a user who typed
 * it expected it to change the result.
 */
export interface FlagRule {
  /** The flag, with its dashes. */
  flag: string;
  given: boolean;
  applies: boolean;
  /** Why it does not apply here, completing "--flag does not apply: ...". */
  because: string;
}

/**
 * Throws one line for the first rule whose flag was given where it does not apply. A value from capsim.json
 * is a default for every command that has the flag, so where it does not apply it is left unused.
 */
export function rejectInapplicable(rules: FlagRule[]): void {
  const rule = rules.find((r) => r.given && !r.applies && configSourceOf(r.flag) === undefined);
  if (rule) throw new UserError(`${rule.flag} does not apply: ${rule.because}`);
}
