/**
 * Picks what each install fetches from the discovered candidates: a project
 * (uniformly, or weighted by its file count; an install of several
 * requirements takes that many different projects, or every project of a
 * requirements file in its order) and, by the scenario's version rule, the
 * newest version (what pip installs: it picks from the page at run time) or
 * one of the project's files uniformly (fetched exactly). One seeded stream,
 * so the same seed installs the same sequence.
 */
import type { Repository } from '../scenario/types.js';
import { installableFiles, type DiscoveredFile, type DiscoveredProject } from './discovery.js';
import type { ProjectFetch } from './install.js';
import { compareVersions } from './package-names.js';
import type { ProjectPick } from './project-selection.js';

function newest(files: DiscoveredFile[]): DiscoveredFile {
  return files.reduce((best, file) => (compareVersions(file.version!, best.version!) > 0 ? file : best));
}

export class ProjectPicker {
  private readonly installable: DiscoveredFile[][];
  /** Cumulative weights (weighted pick), null for uniform. */
  private readonly cumulative: number[] | null;

  constructor(
    private readonly candidates: DiscoveredProject[],
    pick: ProjectPick,
    private readonly versionPick: Repository['versionPick'],
    private readonly rng: () => number,
  ) {
    if (candidates.length === 0) throw new Error('ProjectPicker needs at least one candidate');
    this.installable = candidates.map((c) => installableFiles(c.files));
    if (pick === 'weighted') {
      let sum = 0;
      this.cumulative = candidates.map((c) => (sum += c.files.length));
    } else this.cumulative = null;
  }

  /** The projects of one install: `count` different ones by the pick rule, or with `inOrder` every candidate in order. */
  install(count: number, inOrder = false): ProjectFetch[] {
    if (inOrder) return this.candidates.map((_, i) => this.fetchOf(i));
    if (count > this.candidates.length) throw new Error(`an install of ${count} projects needs as many candidates (${this.candidates.length})`);
    const chosen = new Set<number>();
    const out: ProjectFetch[] = [];
    while (out.length < count) {
      const i = this.projectIndex();
      if (chosen.has(i)) continue;
      chosen.add(i);
      out.push(this.fetchOf(i));
    }
    return out;
  }

  private projectIndex(): number {
    const u = this.rng();
    if (this.cumulative === null) return Math.floor(u * this.candidates.length);
    const target = u * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  next(): ProjectFetch {
    return this.fetchOf(this.projectIndex());
  }

  private fetchOf(i: number): ProjectFetch {
    const files = this.installable[i];
    if (this.versionPick === 'uniform') {
      const file = files[Math.floor(this.rng() * files.length)];
      return { project: this.candidates[i].name, version: file.version!, pick: 'exact', fileUrl: file.url, fileName: file.fileName };
    }
    const file = newest(files);
    return { project: this.candidates[i].name, version: file.version!, pick: 'latest', fileUrl: file.url, fileName: file.fileName };
  }
}
