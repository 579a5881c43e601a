/**
 * Streams every completed HTTP request to requests.ndjson: one JSON line per
 * request, appended to an in-memory batch and handed to a write stream every
 * flushIntervalMs (or when the batch grows), so the hot path never waits on
 * the disk and at most one interval of records is in memory at any time.
 * The stream writes `requests.ndjson.partial` and `close()` renames it into
 * place: the file under its own name is always complete (a run killed
 * outright leaves what it measured in the .partial file).
 */
import { createWriteStream, renameSync, type WriteStream } from 'node:fs';
import type { RequestRecord } from './install.js';
import type { Redactor } from './redact.js';

export class RequestRecorder {
  private batch: string[] = [];
  private batchBytes = 0;
  private readonly stream: WriteStream;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private written = 0;
  private failure: Error | null = null;

  constructor(
    readonly file: string,
    private readonly redactor: Redactor,
    private readonly flushIntervalMs = 200,
  ) {
    this.stream = createWriteStream(this.partial, { flags: 'w' });
    this.stream.on('error', (error) => {
      this.failure = error;
    });
    this.timer = setInterval(() => this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  /** Where the records stream until `close()` renames the file into place. */
  get partial(): string {
    return `${this.file}.partial`;
  }

  /** Records one request (ignored after close). Throws if the file cannot be written. */
  write(record: RequestRecord): void {
    if (this.failure) throw new Error(`cannot write ${this.file}: ${this.failure.message}`);
    if (this.closed) return;
    if (record.error) record.error = this.redactor.redact(record.error);
    const line = `${JSON.stringify(record)}\n`;
    this.batch.push(line);
    this.batchBytes += line.length;
    this.written += 1;
    if (this.batchBytes >= 256 * 1024) this.flush();
  }

  get count(): number {
    return this.written;
  }

  /** Hands the batch to the stream. */
  flush(): void {
    if (this.batch.length === 0) return;
    const text = this.batch.join('');
    this.batch = [];
    this.batchBytes = 0;
    this.stream.write(text);
  }

  /** Flushes and closes the file, then renames it into place; resolves when every record is on disk. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.flush();
    await new Promise<void>((resolve) => {
      this.stream.end(() => resolve());
      this.stream.once('error', () => resolve());
    });
    // A file that could not be written stays .partial (the run reports the write error as its crash).
    if (!this.failure) renameSync(this.partial, this.file);
  }
}
