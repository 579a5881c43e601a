import { Command } from '@oclif/core';
import { grouped } from '../cli/flag-groups.js';
import { EXIT } from '../cli/exit-codes.js';
import { startProgress } from '../cli/progress.js';
import { jsonFlag, progressFlag, replicationsFlag, seedFlag } from '../cli/flags.js';
import { formatNumber, renderTable } from '../report/table.js';
import { runTheoryChecks } from '../sim/verify/checks.js';

export default class Verify extends Command {
  static override summary = 'Check the simulation kernel against queueing theory';
  static override description =
    'Runs M/M/1, M/M/c (Erlang C), M/M/c/c (Erlang B), M/G/1 processor sharing and Little\'s law on the kernel and ' +
    'compares each simulated mean with its closed-form value. A check passes when the analytic value lies inside ' +
    `the 99 % confidence interval over replications. Exit code ${EXIT.verifyCheckFailed} if any check fails.`;
  static override examples = ['<%= config.bin %> verify', '<%= config.bin %> verify --replications 40 --seed 7 --json'];
  static override flags = grouped({
    replications: replicationsFlag(20, 99)(),
    seed: seedFlag(),
    progress: progressFlag,
    json: jsonFlag,
  });

  async run(): Promise<void> {
    const { flags } = await this.parse(Verify);
    if (flags.replications < 2) this.error('--replications must be at least 2 to form a confidence interval', { exit: 2 });
    const progress = startProgress({ label: 'verify', enabled: process.stderr.isTTY === true || flags.progress });
    const result = runTheoryChecks({ replications: flags.replications, seed: flags.seed, onProgress: (done, total, model) => progress.update(done, total, `simulations (${model})`) });
    progress.stop();
    if (flags.json) {
      this.log(JSON.stringify({ passed: result.passed, seed: result.seed, replications: result.replications, confidence: result.confidence, checks: result.checks }, null, 2));
    } else {
      const rows = result.checks.map((c) => [c.name, c.metric, formatNumber(c.analytic), formatNumber(c.simulated), formatNumber(c.ciLow), formatNumber(c.ciHigh), c.pass ? 'pass' : 'FAIL']);
      this.log(renderTable(['name', 'metric', 'analytic', 'simulated', 'CI low', 'CI high', 'pass'], rows, [false, false, true, true, true, true, false]));
      this.log(`\n${result.checks.filter((c) => c.pass).length}/${result.checks.length} checks pass (seed ${result.seed}, ${result.replications} replications, ${result.confidence * 100} % intervals)`);
    }
    if (!result.passed) this.exit(EXIT.verifyCheckFailed);
  }
}
