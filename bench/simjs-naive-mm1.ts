/**
 * M/M/1 written the way simjs's documentation suggests: an Entity whose
 * timers go through simjs's own priority queue (a Request object and a
 * closure per event, argument checks on every call). The kernel replaces
 * that queue; this shows what it saves.
 */
import seedrandom from 'seedrandom';
import { simjs } from '../src/sim/simjs.js';

export function simjsNaiveMm1(customers: number, lambda: number, mu: number, seed: number): { events: number; wallMs: number; meanResponse: number } {
  const started = performance.now();
  const { Sim, Entity } = simjs();
  const rngA = seedrandom.alea(`naive:${seed}:arrivals`);
  const rngS = seedrandom.alea(`naive:${seed}:service`);
  let events = 0;
  let served = 0;
  let responseSum = 0;
  const queue: number[] = [];
  let head = 0;
  class Station extends Entity {
    created = 0;
    busy = false;
    start(): void {
      this.arrive();
    }
    arrive(): void {
      this.setTimer(-Math.log(1 - rngA()) / lambda).done(() => {
        events++;
        queue.push(this.time());
        this.created++;
        if (!this.busy) this.serve();
        if (this.created < customers) this.arrive();
      });
    }
    serve(): void {
      this.busy = true;
      this.setTimer(-Math.log(1 - rngS()) / mu).done(() => {
        events++;
        responseSum += this.time() - queue[head++];
        served++;
        if (head < queue.length) this.serve();
        else this.busy = false;
      });
    }
  }
  const sim = new Sim();
  sim.addEntity(Station);
  sim.simulate(Infinity);
  return { events, wallMs: performance.now() - started, meanResponse: responseSum / served };
}
