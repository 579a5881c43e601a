/**
 * A binary min-heap of (key, value) pairs with keys in a Float64Array; ties
 * are broken by insertion order so the output is deterministic.
 */
export class MinHeap<V> {
  private keys = new Float64Array(64);
  private orders = new Float64Array(64);
  private values: (V | undefined)[] = [];
  private count = 0;
  private nextOrder = 0;

  get size(): number {
    return this.count;
  }

  peekKey(): number {
    return this.count > 0 ? this.keys[0] : Infinity;
  }

  peekValue(): V | undefined {
    return this.count > 0 ? this.values[0] : undefined;
  }

  push(key: number, value: V): void {
    if (this.count === this.keys.length) this.grow();
    const order = this.nextOrder++;
    let i = this.count++;
    const keys = this.keys;
    const orders = this.orders;
    const values = this.values;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] < key || (keys[p] === key && orders[p] < order)) break;
      keys[i] = keys[p];
      orders[i] = orders[p];
      values[i] = values[p];
      i = p;
    }
    keys[i] = key;
    orders[i] = order;
    values[i] = value;
  }

  /** Removes and returns the value with the smallest key. */
  pop(): V | undefined {
    if (this.count === 0) return undefined;
    const keys = this.keys;
    const orders = this.orders;
    const values = this.values;
    const top = values[0];
    const last = --this.count;
    const k = keys[last];
    const o = orders[last];
    const v = values[last];
    values[last] = undefined;
    if (last > 0) {
      let i = 0;
      const half = last >> 1;
      while (i < half) {
        let c = 2 * i + 1;
        const r = c + 1;
        if (r < last && (keys[r] < keys[c] || (keys[r] === keys[c] && orders[r] < orders[c]))) c = r;
        if (k < keys[c] || (k === keys[c] && o < orders[c])) break;
        keys[i] = keys[c];
        orders[i] = orders[c];
        values[i] = values[c];
        i = c;
      }
      keys[i] = k;
      orders[i] = o;
      values[i] = v;
    }
    return top;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    this.keys = keys;
    const orders = new Float64Array(this.orders.length * 2);
    orders.set(this.orders);
    this.orders = orders;
  }
}
