/**
 * Puts requests back in the order the load balancer received them while the
 * log streams by. A load balancer node writes an entry when it sends the
 * response, so a file is in response order, and a request can appear up to its
 * duration after one that was received later; each node writes its own files.
 * The buffer holds requests until no request received earlier can still come:
 * until the watermark (the earliest receive time the rest of the input can
 * hold) has passed them. Memory is the traffic of that lag, not of the log.
 */
export interface Timed {
  creationMs: number;
}

export class ReorderBuffer<T extends Timed> {
  private readonly heap: T[] = [];
  /** Items that arrived behind the watermark (released already past them). */
  late = 0;
  private released = -Infinity;

  constructor(private readonly emit: (item: T) => void) {}

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    if (item.creationMs < this.released) {
      this.late++;
      this.emit(item);
      return;
    }
    const heap = this.heap;
    heap.push(item);
    let k = heap.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (heap[parent].creationMs <= item.creationMs) break;
      heap[k] = heap[parent];
      k = parent;
    }
    heap[k] = item;
  }

  /** Emits, in order, every item received before `watermarkMs`. */
  releaseBefore(watermarkMs: number): void {
    const heap = this.heap;
    while (heap.length > 0 && heap[0].creationMs < watermarkMs) this.emit(this.pop());
    if (watermarkMs > this.released) this.released = watermarkMs;
  }

  /** Emits everything left, in order. */
  drain(): void {
    while (this.heap.length > 0) this.emit(this.pop());
  }

  private pop(): T {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as T;
    const n = heap.length;
    if (n > 0) {
      let k = 0;
      for (;;) {
        const left = 2 * k + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && heap[right].creationMs < heap[left].creationMs ? right : left;
        if (heap[child].creationMs >= last.creationMs) break;
        heap[k] = heap[child];
        k = child;
      }
      heap[k] = last;
    }
    return top;
  }
}
