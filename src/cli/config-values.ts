/**
 * The flags this run took from capsim.json / --config rather than the command
 * line, each with where it came from (`FILE: field "commands.predict.tasks"`).
 * config-file.ts fills it before the command runs; a check that refuses a
 * value then names the file and field (fatal.ts), and a default that does not
 * apply to this run is left unused instead of refused (applicable-flags.ts):
 * the file holds defaults for every command, the command line says what the
 * user meant for this one.
 */
const fromConfig = new Map<string, string>();

export function recordConfigValue(flag: string, where: string): void {
  fromConfig.set(flag, where);
}

/** Where a flag's value came from when the config file supplied it (flag without dashes), else undefined. */
export function configSourceOf(flag: string): string | undefined {
  return fromConfig.get(flag.replace(/^--/, ''));
}
