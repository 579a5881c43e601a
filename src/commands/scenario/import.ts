import { Command, Flags } from '@oclif/core';
import { grouped } from '../../cli/flag-groups.js';
import { jsonFlag, parseDecimal, parseWholeNumber } from '../../cli/flags.js';
import { rejectInapplicable } from '../../cli/applicable-flags.js';
import { UserError } from '../../errors.js';
import { renderRequestCountSummary, renderTrafficSummary } from '../../report/import-report.js';
import type { WithinPeriod } from '../../scenario/import/cloudwatch.js';
import { runAlbImport, runCloudWatchImport } from '../../scenario/import/run-import.js';
import { FLOW_NAMES } from '../../scenario/flows.js';
import { COOKIE_SCOPES, type CookieScope, type FlowName } from '../../scenario/types.js';
import { parseDuration, parseTimeFlag } from '../../scenario/import/time-window.js';

export default class ScenarioImport extends Command {
  static override summary = 'Build a scenario from ALB access logs or a CloudWatch RequestCount export';
  static override description =
    'Reads ALB access logs (files or directories, gzip or plain, in AWS\'s field order), reconstructs the installs ' +
    '(per client address and user agent: an index request starts one, the file download ends it), prints what the ' +
    'traffic looked like (requests per minute, bursts, clients, user agents, status codes, the per-target share of ' +
    'requests and target processing time during bursts, timeouts) and, with --out, writes a replay scenario that ' +
    'predict, plan and validate run unchanged. Client addresses are hashed unless --keep-addresses. With --cloudwatch, ' +
    'reads a RequestCount export and writes a ramping-arrival-rate scenario with those counts per period.';
  static override examples = [
    '<%= config.bin %> scenario import --alb-logs logs/ --busiest 10m --out scenarios/ci-burst.json',
    '<%= config.bin %> scenario import --cloudwatch request-count.csv --within-minute burst --out scenarios/from-cloudwatch.json',
    '<%= config.bin %> scenario import --alb-logs a.log.gz b.log.gz --from 2025-06-03T10:20:00Z --to 2025-06-03T10:44:00Z --json',
  ];
  static override flags = grouped({
    'alb-logs': Flags.string({ description: 'ALB access log files or directories (gzip or plain)', multiple: true, exclusive: ['cloudwatch'] }),
    cloudwatch: Flags.string({ description: 'a CloudWatch RequestCount export (CSV: a time and a count per period)', exclusive: ['alb-logs'] }),
    'within-minute': Flags.string({ description: 'CloudWatch: start each period\'s installs all at its start (burst) or evenly over it', options: ['burst', 'uniform'] }),
    'burst-seconds': Flags.string({ description: 'CloudWatch, --within-minute burst: seconds over which a period\'s installs start (default 1)' }),
    flow: Flags.string({ description: 'CloudWatch: the flow the installs follow (its requests per install turn counts into installs; default pip-root-index)', options: [...FLOW_NAMES] }),
    out: Flags.string({ description: 'scenario file to write (FILE.json; the replay offsets go to FILE.offsets beside it)' }),
    name: Flags.string({ description: 'scenario name (default: the --out file name)' }),
    from: Flags.string({ description: 'keep requests received from this time (ISO 8601, UTC unless a zone is given)' }),
    to: Flags.string({ description: 'keep requests received before this time' }),
    busiest: Flags.string({ description: 'keep the busiest window of this length (10m, 90s, 1h), inside --from/--to' }),
    'keep-addresses': Flags.boolean({ description: 'show and record client addresses (default: a hash of each)', default: false }),
    projects: Flags.string({ description: 'projects in the index (the log shows only those installed)' }),
    'versions-per-project': Flags.string({ description: 'files per project in the index (the log shows only those downloaded)' }),
    cookies: Flags.string({
      description: 'who shares a cookie jar (the log records no cookies): shared (one jar, a script on one session), per-install (separate pip processes), none; default: each kind\'s real client\'s',
      options: [...COOKIE_SCOPES],
    }),
    force: Flags.boolean({ description: 'replace existing output files', default: false }),
    json: jsonFlag,
  });

  async run(): Promise<void> {
    const { flags } = await this.parse(ScenarioImport);
    const cloudwatch = flags.cloudwatch !== undefined;
    const within = (flags['within-minute'] ?? 'burst') as WithinPeriod;
    const onlyCloudWatch = 'it shapes a CloudWatch import (--cloudwatch); ALB logs show each install\'s own time and flow';
    const onlyAlb = 'it selects or shows ALB log requests (--alb-logs); a CloudWatch export has only counts per period';
    const onlyOut = 'it describes the scenario file --out writes, and no --out is given';
    rejectInapplicable([
      { flag: '--within-minute', given: flags['within-minute'] !== undefined, applies: cloudwatch, because: onlyCloudWatch },
      { flag: '--burst-seconds', given: flags['burst-seconds'] !== undefined, applies: cloudwatch, because: onlyCloudWatch },
      { flag: '--burst-seconds', given: flags['burst-seconds'] !== undefined, applies: within === 'burst', because: '--within-minute uniform spreads a period\'s installs over the whole period' },
      { flag: '--flow', given: flags.flow !== undefined, applies: cloudwatch, because: onlyCloudWatch },
      { flag: '--from', given: flags.from !== undefined, applies: !cloudwatch, because: onlyAlb },
      { flag: '--to', given: flags.to !== undefined, applies: !cloudwatch, because: onlyAlb },
      { flag: '--busiest', given: flags.busiest !== undefined, applies: !cloudwatch, because: onlyAlb },
      { flag: '--keep-addresses', given: flags['keep-addresses'], applies: !cloudwatch, because: 'a CloudWatch export holds no client addresses' },
      { flag: '--name', given: flags.name !== undefined, applies: flags.out !== undefined, because: onlyOut },
      { flag: '--force', given: flags.force, applies: flags.out !== undefined, because: 'it lets --out replace existing files, and no --out is given' },
    ]);
    const repository = {
      projects: flags.projects !== undefined ? parseWholeNumber('projects', flags.projects, 1, 1_000_000) : undefined,
      versionsPerProject: flags['versions-per-project'] !== undefined ? parseWholeNumber('versions-per-project', flags['versions-per-project'], 1, 10000) : undefined,
    };
    const command = ['capsim', 'scenario', 'import', ...this.argv].join(' ');
    if (flags.cloudwatch !== undefined) {
      const outcome = runCloudWatchImport({
        path: flags.cloudwatch,
        flow: (flags.flow ?? 'pip-root-index') as FlowName,
        within,
        burstSeconds: parseDecimal('burst-seconds', flags['burst-seconds'] ?? '1', 0.001, 3600),
        repository,
        cookies: flags.cookies as CookieScope | undefined,
        out: flags.out,
        name: flags.name,
        force: flags.force,
        command,
      });
      if (flags.json) this.log(JSON.stringify({ summary: outcome.summary, notes: outcome.notes, written: outcome.written }, null, 2));
      else {
        this.log(renderRequestCountSummary(outcome.summary));
        for (const note of outcome.notes) this.log(`note: ${note}`);
        this.log(outcome.written ? `wrote ${outcome.written.scenario}: run it with capsim predict --scenario ${outcome.written.scenario}` : 'no scenario written: give --out FILE.json to write one');
      }
      return;
    }
    const paths = flags['alb-logs'] ?? [];
    if (paths.length === 0) throw new UserError('give --alb-logs PATH... (ALB access log files or directories) or --cloudwatch FILE.csv');
    const outcome = await runAlbImport({
      paths,
      window: {
        fromMs: flags.from !== undefined ? parseTimeFlag('from', flags.from) : undefined,
        toMs: flags.to !== undefined ? parseTimeFlag('to', flags.to) : undefined,
        busiestSeconds: flags.busiest !== undefined ? parseDuration('busiest', flags.busiest) : undefined,
      },
      keepAddresses: flags['keep-addresses'],
      repository,
      cookies: flags.cookies as CookieScope | undefined,
      out: flags.out,
      name: flags.name,
      force: flags.force,
      command,
    });
    if (flags.json) {
      this.log(JSON.stringify({ summary: outcome.summary, flowMix: outcome.built.flowMix, notes: outcome.built.notes, written: outcome.written }, null, 2));
      return;
    }
    this.log(renderTrafficSummary(outcome.summary));
    this.log('');
    for (const note of outcome.built.notes) this.log(`note: ${note}`);
    if (outcome.written) {
      const mix = outcome.built.flowMix;
      const replayed = mix.reduce((n, m) => n + m.installs, 0);
      const kinds = mix.map((m) => `${m.name}${m.name === m.flow ? '' : ` as ${m.flow}`} ${(m.share * 100).toFixed(1)} %`).join(', ');
      this.log(`wrote ${outcome.written.scenario} and ${outcome.written.offsets}: replay of ${replayed} installs (${kinds || 'none'}); run it with capsim predict --scenario ${outcome.written.scenario}`);
    } else {
      this.log('no scenario written: give --out FILE.json to write one');
    }
  }
}
