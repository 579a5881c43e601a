import { Args, Command, Flags } from '@oclif/core';
import { grouped } from '../cli/flag-groups.js';
import { UserError } from '../errors.js';
import { checkOutputFile } from '../output/output-path.js';
import { writeReport } from '../report/build-report.js';
import { readReportInput } from '../report/sources/report-input.js';

export default class Report extends Command {
  static override summary = 'Write an HTML report (charts, figures, thresholds) of results already written';
  static override description =
    'INPUT is a capsim validate run directory (or its summary.json), a `capsim predict --json` output or a `capsim plan --json` output; ' +
    'give several to put them on one page. One prediction and one run get a comparison section first (predicted vs measured on the ' +
    'same axes). The page is one self-contained file: styles and charts (SVG) inline, nothing loaded from the network, ' +
    'readable printed and on a phone.';
  static override examples = [
    '<%= config.bin %> report runs/a --out runs/a/report.html',
    '<%= config.bin %> predict --instance c6a.xlarge --tasks 12 --workers 4 --timeline --json > p.json && <%= config.bin %> report p.json --out p.html',
    '<%= config.bin %> report b-prediction.json runs/b --out compare.html',
  ];
  static override strict = false;
  static override args = {
    input: Args.string({ description: 'a validate run directory, a summary.json, a predict --json or a plan --json file (give several for one page)' }),
  };
  static override flags = grouped({
    out: Flags.string({ description: 'the HTML file to write', required: true }),
  });

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Report);
    const files = argv as string[];
    if (files.length === 0) throw new UserError('capsim report needs at least one INPUT: a validate run directory, a summary.json, a predict --json or a plan --json file');
    checkOutputFile(flags.out, '--out');
    const inputs = [];
    for (const file of files) inputs.push(await readReportInput(file));
    const written = await writeReport(flags.out, { inputs }, '--out');
    this.log(`${flags.out}: ${written.charts.length} chart${written.charts.length === 1 ? '' : 's'}, ${(written.bytes / 1024).toFixed(0)} KiB`);
  }
}
