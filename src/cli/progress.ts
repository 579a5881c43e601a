import { clearLine, cursorTo } from 'node:readline';
import cliProgress from 'cli-progress';

/**
 * Progress of a long command on stderr (never stdout, which --json owns),
 * through cli-progress: on a terminal one line redrawn in place, cut to the
 * terminal's width, with a bar when the total is known; into a pipe or file a
 * plain line every few seconds (validate's run, or --progress). cli-progress
 * because it draws synchronously from inside a busy loop (predict's and
 * verify's replications block the event loop, where a timer-driven renderer
 * such as listr2's or oclif's spinner never gets to draw), handles both
 * terminals and pipes, and is small; oclif's ux offers only a spinner.
 */
export interface Progress {
  /** `done` of `total` (0 total: no bar, the detail only), and what to say beside it. */
  update(done: number, total: number, detail: string): void;
  /** A line of its own above the progress line. */
  message(line: string): void;
  /** Ends the progress line (it stays on screen, finished). */
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  /** Draw at all (commands: a terminal, or --progress; validate: always). */
  enabled: boolean;
  stream?: NodeJS.WriteStream;
  /** Seconds between lines when stderr is not a terminal. */
  pipeLineSeconds?: number;
}

const SILENT: Progress = { update: () => undefined, message: () => undefined, stop: () => undefined };

const BAR_WIDTH = 20;

function textBar(done: number, total: number): string {
  const filled = Math.round(Math.min(1, total > 0 ? done / total : 1) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

/** The progress line as a pipe gets it (and as the terminal shows it, with cli-progress drawing the bar). */
export function progressText(label: string, done: number, total: number, detail: string): string {
  const head = label === '' ? '' : `${label} `;
  return total > 0 ? `${head}${textBar(done, total)} ${done}/${total} ${detail}` : `${head}${detail}`;
}

export function startProgress(options: ProgressOptions): Progress {
  if (!options.enabled) return SILENT;
  const stream = options.stream ?? process.stderr;
  return stream.isTTY === true ? terminalProgress(stream, options.label) : pipeProgress(stream, options.label, (options.pipeLineSeconds ?? 5) * 1000);
}

/** One line redrawn in place by cli-progress (synchronously: it draws from inside busy loops too). */
function terminalProgress(stream: NodeJS.WriteStream, label: string): Progress {
  let bar: cliProgress.SingleBar | undefined;
  let withBar = false;
  let stopped = false;
  const head = label === '' ? '' : `${label} `;
  return {
    update(done, total, detail) {
      if (stopped) return;
      if (!bar) {
        withBar = total > 0;
        bar = new cliProgress.SingleBar({
          stream,
          format: withBar ? `${head}[{bar}] {value}/{total} {detail}` : `${head}{detail}`,
          barsize: BAR_WIDTH,
          barCompleteChar: '#',
          barIncompleteChar: '-',
          hideCursor: false,
          clearOnComplete: false,
          stopOnComplete: false,
          fps: 5,
          synchronousUpdate: true,
        });
        bar.start(withBar ? total : 1, 0, { detail });
      }
      if (withBar && total !== bar.getTotal()) bar.setTotal(total);
      bar.update(withBar ? done : 0, { detail });
    },
    message(line) {
      clearLine(stream, 0);
      cursorTo(stream, 0);
      stream.write(`${line}\n`);
      if (bar && !stopped) bar.render();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar?.stop();
    },
  };
}

/** Into a pipe or file: a plain line at the first update, at each new phase (the count goes back), at the end, and every `everyMs`. */
function pipeProgress(stream: NodeJS.WritableStream, label: string, everyMs: number): Progress {
  let last = -Infinity;
  let previousDone = -1;
  let latest = '';
  let printed = '';
  let stopped = false;
  return {
    update(done, total, detail) {
      if (stopped) return;
      latest = progressText(label, done, total, detail);
      const now = performance.now();
      if (now - last >= everyMs || done < previousDone || (total > 0 && done >= total && previousDone < total) || previousDone < 0) {
        stream.write(`${latest}\n`);
        printed = latest;
        last = now;
      }
      previousDone = done;
    },
    message(line) {
      stream.write(`${line}\n`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (latest !== printed) stream.write(`${latest}\n`);
    },
  };
}

/** 65_000 -> "1m05s"; NaN -> "?". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
