/**
 * How the test repository names its projects and wheels (the seed's layout:
 * pkg-000 .. pkg-099, three versions each, the newest 2.0.0), and how a
 * version is read back from a wheel file name.
 */

/** Versions of each project, oldest first; the newest is always 2.0.0 (the seed downloads it). */
export function projectVersions(versionsPerProject: number): string[] {
  const count = Math.max(1, Math.floor(versionsPerProject));
  // 1 -> [2.0.0]; 3 -> [1.0.0, 1.1.0, 2.0.0]; n -> 1.0.0 .. 1.(n-2).0, 2.0.0
  const versions: string[] = [];
  for (let i = 0; i < count - 1; i += 1) versions.push(`1.${i}.0`);
  versions.push('2.0.0');
  return versions;
}

/** "pkg-007" for index 7. */
export function projectName(index: number): string {
  return `pkg-${String(index).padStart(3, '0')}`;
}

/** Wheel file name of a project version (PEP 427: the distribution name with "-" as "_"). */
export function wheelFileName(project: string, version: string): string {
  return `${project.replace(/[-.]+/g, '_')}-${version}-py3-none-any.whl`;
}

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
