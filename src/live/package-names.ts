/**
 * Versions read from distribution file names (wheels and sdists), and how two
 * versions compare, for picking the newest file of a project page like pip.
 */

/** The version part of a wheel or sdist file name, or null. */
export function versionOfFile(fileName: string): string | null {
  const wheel = /^[^-]+-([^-]+)-[^-]+-[^-]+-[^-]+\.whl$/.exec(fileName) ?? /^[^-]+-([^-]+)-[^-]+-[^-]+-[^-]+-[^-]+\.whl$/.exec(fileName);
  if (wheel) return wheel[1];
  const sdist = /^.+-([0-9][^-]*)\.(tar\.gz|zip)$/.exec(fileName);
  return sdist ? sdist[1] : null;
}

/** Compares dotted numeric versions ("1.10.0" > "1.9.0"); non-numeric parts compare as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
