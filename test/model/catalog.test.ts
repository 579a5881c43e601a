import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  customInstanceType,
  getInstanceType,
  loadCatalog,
  shippedCatalog,
  visibleMemoryFor,
} from '../../src/model/catalog.js';
import { closestNames, editDistance } from '../../src/input/closest-names.js';
import { shippedJson, tempFile } from './temp-data.js';

/** The error a function throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

describe('shipped instance catalog', () => {
  const catalog = shippedCatalog();

  it('has the families and sizes plan needs', () => {
    const wanted = [
      ...['t3', 't3a'].flatMap((f) => ['micro', 'small', 'medium', 'large', 'xlarge', '2xlarge'].map((s) => `${f}.${s}`)),
      ...['c6a', 'c7a', 'm6i'].flatMap((f) => ['large', 'xlarge', '2xlarge', '4xlarge'].map((s) => `${f}.${s}`)),
      ...['c6g', 'c7g'].flatMap((f) => ['medium', 'large', 'xlarge', '2xlarge', '4xlarge'].map((s) => `${f}.${s}`)),
    ];
    for (const name of wanted) expect(catalog.has(name), name).toBe(true);
    expect(catalog.region).toBe('us-east-1');
    expect(catalog.currency).toBe('USD');
    expect(catalog.priceDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('matches the AWS figures docs/stack.md relies on', () => {
    const micro = getInstanceType('t3.micro');
    expect(micro).toMatchObject({ vcpus: 2, memoryMiB: 1024, visibleMemoryMiB: 916, architecture: 'x86_64' });
    expect(getInstanceType('t3.small')).toMatchObject({ vcpus: 2, memoryMiB: 2048 });
    expect(getInstanceType('c6a.xlarge')).toMatchObject({ vcpus: 4, memoryMiB: 8192 });
    expect(getInstanceType('c7g.large').architecture).toBe('arm64');
  });

  it('gives T types the published credit baselines, unlimited by default; others are not burstable', () => {
    const baselines: Record<string, number> = { micro: 0.1, small: 0.2, medium: 0.2, large: 0.3, xlarge: 0.4, '2xlarge': 0.4 };
    for (const family of ['t3', 't3a']) {
      for (const [size, baseline] of Object.entries(baselines)) {
        const b = getInstanceType(`${family}.${size}`).burstable;
        expect(b?.baselinePerVcpu, `${family}.${size}`).toBe(baseline);
        expect(b?.mode).toBe('unlimited');
      }
    }
    expect(getInstanceType('t3.micro').burstable).toMatchObject({ creditsEarnedPerHour: 12, maxCredits: 288 });
    for (const type of catalog.instances) {
      if (!type.name.startsWith('t')) expect(type.burstable, type.name).toBeUndefined();
    }
  });

  it('derives every visibleMemoryMiB with the rule the file documents', () => {
    const raw = shippedJson('instances.json');
    for (const type of catalog.instances) {
      expect(type.visibleMemoryMiB, type.name).toBe(visibleMemoryFor(type.memoryMiB, raw.visibleMemoryRule));
      expect(type.visibleMemoryMiB).toBeLessThan(type.memoryMiB);
    }
  });

  it('prices bigger sizes of a family higher (a typo guard on the price list)', () => {
    const families = new Map<string, number[]>();
    for (const type of catalog.instances) {
      const family = type.name.split('.')[0]!;
      families.set(family, [...(families.get(family) ?? []), type.onDemandUsdPerHour]);
    }
    for (const [family, prices] of families) {
      for (let i = 1; i < prices.length; i++) expect(prices[i], family).toBeGreaterThan(prices[i - 1]!);
    }
  });

  it('is priced for the same region and date basis as the cost table', () => {
    const costs = shippedJson('costs.json');
    expect(costs.region).toBe(catalog.region);
    expect(costs.currency).toBe(catalog.currency);
  });
});

describe('unknown instance types', () => {
  it('names the closest known types', () => {
    const error = thrown(() => getInstanceType('c6a.xlrage'));
    expect(error.message).toMatch(/^unknown instance type "c6a\.xlrage"; closest: c6a\.xlarge, /);
    expect(error.message.split('closest: ')[1]!.split(', ')).toHaveLength(3);
    expect(error.exitCode).toBe(2);
  });

  it('suggests the right type for common typos', () => {
    expect(thrown(() => getInstanceType('t3.mirco')).message).toContain('closest: t3.micro,');
    expect(thrown(() => getInstanceType('C6G.LARGE')).message).toContain('closest: c6g.large,');
    expect(thrown(() => getInstanceType('m6i.2xl')).message).toContain('closest: m6i.2xlarge');
  });
});

describe('edit distance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('xlrage', 'xlarge')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(editDistance('ab', 'ba')).toBe(1);
  });

  it('ranks closest first, ties in the given order', () => {
    // distances to "b2": a1 2, b1 1, c2 1, b2x 1
    expect(closestNames('b2', ['a1', 'b1', 'c2', 'b2x'], 3)).toEqual(['b1', 'c2', 'b2x']);
    expect(closestNames('b2', ['b2x', 'c2', 'b1', 'a1'], 2)).toEqual(['b2x', 'c2']);
    expect(closestNames('b2', ['a1', 'b1'], 3)).toEqual(['b1', 'a1']);
  });
});

describe('custom instance types', () => {
  it('has no price unless given one and derives visible memory from the rule', () => {
    const local = customInstanceType({ vcpus: 2, memoryGiB: 4 });
    const rule = shippedCatalog().visibleMemoryRule;
    expect(local).toMatchObject({ name: 'custom', vcpus: 2, memoryMiB: 4096, onDemandUsdPerHour: 0, custom: true });
    expect(local.visibleMemoryMiB).toBe(visibleMemoryFor(4096, rule));
    expect(local.burstable).toBeUndefined();
    const priced = customInstanceType({ vcpus: 8, memoryGiB: 15.5, usdPerHour: 0.25, name: 'lab', visibleMemoryMiB: 15000 });
    expect(priced).toMatchObject({ name: 'lab', memoryMiB: 15872, visibleMemoryMiB: 15000, onDemandUsdPerHour: 0.25 });
  });

  it('rejects nonsense sizes', () => {
    expect(thrown(() => customInstanceType({ vcpus: 0, memoryGiB: 4 })).message).toBe(
      'custom instance: vcpus must be a number > 0 (got 0)',
    );
    expect(thrown(() => customInstanceType({ vcpus: 2, memoryGiB: Number.NaN })).message).toContain('memoryGiB must be');
    expect(thrown(() => customInstanceType({ vcpus: 2, memoryGiB: 4, usdPerHour: -1 })).message).toContain('usdPerHour must be');
  });
});

describe('catalog validation', () => {
  function withEntry(index: number, change: (entry: any) => void): string {
    const data = shippedJson('instances.json');
    change(data.instances[index]);
    return tempFile(data, 'instances.json');
  }
  const small = () => shippedJson('instances.json').instances.findIndex((e: any) => e.name === 't3.small');

  it('loads a copy of the shipped file from another path', () => {
    const path = tempFile(shippedJson('instances.json'));
    const copy = loadCatalog(path);
    expect(copy.path).toBe(path);
    expect(copy.get('t3.small').vcpus).toBe(2);
  });

  it('names a missing file and bad JSON', () => {
    expect(thrown(() => loadCatalog('/nonexistent/instances.json')).message).toBe(
      'instance catalog /nonexistent/instances.json cannot be read (ENOENT)',
    );
    const path = tempFile('{ "region": ', 'broken.json');
    expect(thrown(() => loadCatalog(path)).message).toMatch(new RegExp(`^instance catalog ${path} is not valid JSON: `));
  });

  it('names file, entry and field for a missing or mistyped field', () => {
    const i = small();
    let path = withEntry(i, (e) => delete e.vcpus);
    expect(thrown(() => loadCatalog(path)).message).toBe(
      `${path}: instances[${i}] "t3.small": field "vcpus" must be a whole number >= 1 (got nothing)`,
    );
    path = withEntry(i, (e) => (e.memoryMiB = '2048'));
    expect(thrown(() => loadCatalog(path)).message).toBe(
      `${path}: instances[${i}] "t3.small": field "memoryMiB" must be a whole number >= 1 (got "2048")`,
    );
    path = withEntry(i, (e) => (e.onDemandUsdPerHour = -0.02));
    expect(thrown(() => loadCatalog(path)).message).toContain(`instances[${i}] "t3.small": field "onDemandUsdPerHour" must be a number > 0`);
    path = withEntry(i, (e) => (e.architecture = 'arm'));
    expect(thrown(() => loadCatalog(path)).message).toContain('field "architecture" must be one of "x86_64", "arm64" (got "arm")');
    path = withEntry(i, (e) => (e.visibleMemoryMiB = 4000));
    expect(thrown(() => loadCatalog(path)).message).toContain('field "visibleMemoryMiB" must be a whole number >= 1 <= 2048 (got 4000)');
  });

  it('rejects a misspelt field instead of ignoring it', () => {
    const path = withEntry(0, (e) => {
      e.vcpu = e.vcpus;
      delete e.vcpus;
    });
    expect(thrown(() => loadCatalog(path)).message).toMatch(/instances\[0\] "t3\.nano": unknown field "vcpu" \(allowed: name, vcpus, /);
  });

  it('checks burstable credits against the baseline', () => {
    const i = small();
    let path = withEntry(i, (e) => (e.burstable.creditsEarnedPerHour = 20));
    expect(thrown(() => loadCatalog(path)).message).toBe(
      `${path}: instances[${i}] "t3.small": burstable: field "creditsEarnedPerHour" must equal baselinePerVcpu x vcpus x 60 = 0.2 x 2 x 60 = 24 (got 20)`,
    );
    path = withEntry(i, (e) => (e.burstable.mode = 'turbo'));
    expect(thrown(() => loadCatalog(path)).message).toContain('burstable: field "mode" must be one of "unlimited", "standard"');
    path = withEntry(i, (e) => (e.burstable.maxCredits = 100));
    expect(thrown(() => loadCatalog(path)).message).toContain('field "maxCredits" must equal 24 x creditsEarnedPerHour = 576 (got 100)');
  });

  it('rejects duplicates, an empty list and bad top-level fields', () => {
    const data = shippedJson('instances.json');
    data.instances.push({ ...data.instances[1] });
    let path = tempFile(data);
    expect(thrown(() => loadCatalog(path)).message).toBe(`${path}: instances[${data.instances.length - 1}] "t3.micro" repeats instances[1]`);

    path = tempFile({ ...shippedJson('instances.json'), instances: [] });
    expect(thrown(() => loadCatalog(path)).message).toBe(`${path}: field "instances" lists no instance type`);

    path = tempFile({ ...shippedJson('instances.json'), priceDate: 'last year' });
    expect(thrown(() => loadCatalog(path)).message).toBe(`${path}: field "priceDate" must be a date YYYY-MM-DD (got "last year")`);

    path = tempFile([1, 2]);
    expect(thrown(() => loadCatalog(path)).message).toBe(`${path}: expected an object (got [1,2])`);
  });

  it('requires every entry field to be documented', () => {
    const data = shippedJson('instances.json');
    data.fields = data.fields.filter((f: any) => f.name !== 'threadsPerCore');
    const path = tempFile(data);
    expect(thrown(() => loadCatalog(path)).message).toBe(
      `${path}: instances[0] "t3.nano": field "threadsPerCore" is not documented in the file's "fields" list`,
    );
  });
});
