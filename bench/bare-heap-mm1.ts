/**
 * The reference for kernel speed: M/M/1 written as a bare event loop over a
 * typed-array binary heap (times + event kinds), no objects per event. The
 * kernel's M/M/1 should come within a small factor of this.
 */
import seedrandom from 'seedrandom';

export interface LoopResult {
  events: number;
  meanResponse: number;
  wallMs: number;
}

export function bareHeapMm1(customers: number, lambda: number, mu: number, seed: number): LoopResult {
  const started = performance.now();
  const rngA = seedrandom.alea(`bare:${seed}:arrivals`);
  const rngS = seedrandom.alea(`bare:${seed}:service`);
  let capacity = 1024;
  let times = new Float64Array(capacity);
  let kinds = new Uint8Array(capacity); // 0 = arrival, 1 = departure
  let size = 0;
  const push = (t: number, k: number): void => {
    if (size === capacity) {
      capacity *= 2;
      const nt = new Float64Array(capacity);
      nt.set(times);
      times = nt;
      const nk = new Uint8Array(capacity);
      nk.set(kinds);
      kinds = nk;
    }
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p] <= t) break;
      times[i] = times[p];
      kinds[i] = kinds[p];
      i = p;
    }
    times[i] = t;
    kinds[i] = k;
  };
  let popTime = 0;
  const pop = (): number => {
    popTime = times[0];
    const kind = kinds[0];
    const last = --size;
    const t = times[last];
    const k = kinds[last];
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      if (c + 1 < last && times[c + 1] < times[c]) c++;
      if (t <= times[c]) break;
      times[i] = times[c];
      kinds[i] = kinds[c];
      i = c;
    }
    times[i] = t;
    kinds[i] = k;
    return kind;
  };
  // FIFO of arrival times (ring buffer) for response times.
  let fifo = new Float64Array(1024);
  let head = 0;
  let count = 0;
  let busy = false;
  let created = 0;
  let served = 0;
  let responseSum = 0;
  let events = 0;
  push(-Math.log(1 - rngA()) / lambda, 0);
  while (size > 0) {
    const kind = pop();
    const now = popTime;
    events++;
    if (kind === 0) {
      created++;
      if (count === fifo.length) {
        const grown = new Float64Array(fifo.length * 2);
        for (let i = 0; i < count; i++) grown[i] = fifo[(head + i) % fifo.length];
        fifo = grown;
        head = 0;
      }
      fifo[(head + count) % fifo.length] = now;
      count++;
      if (!busy) {
        busy = true;
        push(now - Math.log(1 - rngS()) / mu, 1);
      }
      if (created < customers) push(now - Math.log(1 - rngA()) / lambda, 0);
    } else {
      responseSum += now - fifo[head];
      head = (head + 1) % fifo.length;
      count--;
      served++;
      if (count > 0) push(now - Math.log(1 - rngS()) / mu, 1);
      else busy = false;
    }
  }
  return { events, meanResponse: responseSum / served, wallMs: performance.now() - started };
}
