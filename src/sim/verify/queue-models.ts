import { type Distribution, Exponential } from '../distributions.js';
import { FcfsResource } from '../fcfs-resource.js';
import { ProcessorSharing } from '../processor-sharing.js';
import type { RngStreams } from '../rng.js';
import { Scheduler } from '../scheduler.js';

/** What one replication of a single-station queue measured (after the warm-up customers). */
export interface StationSample {
  /** Response (sojourn) times of measured customers that were served. */
  responseTimes: Float64Array;
  /** Waiting times before service (FCFS only; zeros for PS). */
  waitingTimes: Float64Array;
  /** Fraction of measured arrivals rejected because the system was full. */
  blockedFraction: number;
  /** Time-average number in system over the measured window. */
  meanInSystem: number;
  /** Measured arrivals per unit time. */
  arrivalRate: number;
  events: number;
}

export interface StationSpec {
  /** Poisson arrival rate. */
  lambda: number;
  service: Distribution;
  /** Customers to generate in total; the first `warmup` are not measured. */
  customers: number;
  warmup: number;
}

interface Customer {
  index: number;
  arrival: number;
  start: number;
}

/**
 * An FCFS station with `servers` servers and at most `capacity` in system
 * (M/M/1, M/M/c, M/M/c/c ...), driven by the kernel: Poisson arrivals from the
 * "arrivals" stream, service times from the "service" stream.
 */
export function simulateFcfsStation(spec: StationSpec & { servers: number; capacity?: number }, streams: RngStreams): StationSample {
  const scheduler = new Scheduler();
  const arrivals = streams.stream('arrivals');
  const serviceRng = streams.stream('service');
  const interarrival = new Exponential(1 / spec.lambda);
  const station = new FcfsResource<Customer>(spec.servers, spec.capacity ?? Infinity, scheduler);
  const measured = spec.customers - spec.warmup;
  const response = new Float64Array(measured);
  const waiting = new Float64Array(measured);
  let served = 0;
  let blocked = 0;
  let created = 0;
  let windowStart = NaN;
  let windowEnd = NaN;
  let areaAtStart = 0;
  let areaAtEnd = NaN;

  const depart = (c: Customer): void => {
    station.release();
    if (c.index >= spec.warmup) {
      response[served] = scheduler.now - c.arrival;
      waiting[served] = c.start - c.arrival;
      served++;
    }
  };
  const startService = (c: Customer): void => {
    c.start = scheduler.now;
    scheduler.after(spec.service.sample(serviceRng), depart, c);
  };
  const arrive = (): void => {
    const index = created++;
    if (index === spec.warmup) {
      windowStart = scheduler.now;
      areaAtStart = station.inSystemIntegral(scheduler.now);
    }
    if (index === spec.customers) {
      windowEnd = scheduler.now;
      areaAtEnd = station.inSystemIntegral(windowEnd);
      return;
    }
    const c: Customer = { index, arrival: scheduler.now, start: NaN };
    if (!station.acquire(startService, c) && index >= spec.warmup) blocked++;
    scheduler.after(interarrival.sample(arrivals), arrive);
  };
  scheduler.after(interarrival.sample(arrivals), arrive);
  scheduler.run();
  const span = windowEnd - windowStart;
  return {
    responseTimes: response.subarray(0, served),
    waitingTimes: waiting.subarray(0, served),
    blockedFraction: blocked / measured,
    meanInSystem: (areaAtEnd - areaAtStart) / span,
    arrivalRate: measured / span,
    events: scheduler.eventsDelivered,
  };
}

/** An M/G/1 processor-sharing station (one core) driven by the kernel. */
export function simulatePsStation(spec: StationSpec & { cores?: number }, streams: RngStreams): StationSample {
  const scheduler = new Scheduler();
  const arrivals = streams.stream('arrivals');
  const serviceRng = streams.stream('service');
  const interarrival = new Exponential(1 / spec.lambda);
  const cpu = new ProcessorSharing(scheduler, spec.cores ?? 1);
  const measured = spec.customers - spec.warmup;
  const response = new Float64Array(measured);
  let served = 0;
  let created = 0;
  let windowStart = NaN;
  let windowEnd = NaN;
  let inSystemArea = 0;
  let inSystem = 0;
  let lastChange = 0;
  const level = (delta: number): void => {
    const now = scheduler.now;
    if (!Number.isNaN(windowStart) && Number.isNaN(windowEnd)) inSystemArea += inSystem * (now - Math.max(lastChange, windowStart));
    lastChange = now;
    inSystem += delta;
  };
  const depart = (c: Customer): void => {
    level(-1);
    if (c.index >= spec.warmup) response[served++] = scheduler.now - c.arrival;
  };
  const arrive = (): void => {
    const index = created++;
    if (index === spec.warmup) windowStart = scheduler.now;
    if (index === spec.customers) {
      level(0);
      windowEnd = scheduler.now;
      return;
    }
    level(1);
    const c: Customer = { index, arrival: scheduler.now, start: scheduler.now };
    cpu.run(spec.service.sample(serviceRng), depart, c);
    scheduler.after(interarrival.sample(arrivals), arrive);
  };
  scheduler.after(interarrival.sample(arrivals), arrive);
  scheduler.run();
  const span = windowEnd - windowStart;
  return {
    responseTimes: response.subarray(0, served),
    waitingTimes: new Float64Array(served),
    blockedFraction: 0,
    meanInSystem: inSystemArea / span,
    arrivalRate: measured / span,
    events: scheduler.eventsDelivered,
  };
}
