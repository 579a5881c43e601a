/**
 * A copy of a string that shares no memory with the text it was cut from.
 * V8 represents a slice of a long string as a view into it, so a short field
 * kept from a line (a project name, a user agent as a map key) would keep the
 * whole megabyte chunk of the log it was read in alive. What the import keeps
 * beyond one line goes through here.
 */
export function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
