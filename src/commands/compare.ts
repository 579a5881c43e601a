import { Args, Command } from '@oclif/core';
import { jsonFlag } from '../cli/flags.js';
import { compareFiles, renderComparison } from '../report/compare.js';

export default class Compare extends Command {
  static override summary = 'Print a prediction next to a measured run, with the relative error of each metric';
  static override description =
    'PREDICTION is the output of `capsim predict --json`, RUN the summary.json of `capsim validate`. Prints error rate ' +
    '(with the difference in percentage points), P50, P95 and P99 of successful operations, operations, throughput ' +
    '(successful operations per second) and per-operation mean latencies: predicted, measured, (predicted - measured) / measured.';
  static override examples = [
    '<%= config.bin %> predict --instance custom --vcpus 1 --memory-gb 4 --tasks 2 --workers 2 --calibration calibration/mine.json --json > b.json',
    '<%= config.bin %> compare b.json runs/b/summary.json',
  ];
  static override args = {
    prediction: Args.string({ description: 'capsim predict --json output', required: true }),
    run: Args.string({ description: 'capsim validate summary.json', required: true }),
  };
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Compare);
    const comparison = compareFiles(args.prediction, args.run);
    this.log(flags.json ? JSON.stringify(comparison, null, 2) : renderComparison(comparison));
  }
}
