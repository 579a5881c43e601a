/**
 * A flag renamed for one vocabulary across commands keeps its old spelling
 * for one release: accepted as an alias (not listed in --help), and a
 * one-line note on stderr when used (hooks/renamed-flags.ts; oclif's own
 * deprecation warning wraps over two lines). The README's flag table lists
 * every one.
 */
export function renamedFrom(...old: string[]): { aliases: string[] } {
  return { aliases: old };
}

/** Every old spelling still accepted, per command: old -> new (the README table and the tests read this). */
export const RENAMED_FLAGS: Record<string, Record<string, string>> = {
  plan: { 'instance-types': 'instance', algorithms: 'algorithm' },
  validate: { out: 'out-dir', 'diagnostics-seconds': 'diagnostics-s' },
};
