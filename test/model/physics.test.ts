import { describe, expect, it } from 'vitest';
import { burstScenario, params, run, steadyScenario } from './helpers.js';

/**
 * Each test isolates one mechanism of the stack model (docs/model.md)
 * and checks the direction and size of its effect, comparing intervals over
 * replications under common random numbers.
 */
describe('stack model physics', () => {
  it('more workers lower latency while CPU is idle, not once CPU is saturated', () => {
    // Idle CPU: a small burst on 16 vCPUs. One gevent worker per task serializes CPU and blocking NFS
    // calls; four workers overlap them on idle cores.
    const light = burstScenario({ burst: 40, duration: 25 });
    const p = params();
    const one = run({ instance: 'c6a.4xlarge', tasks: 2, workers: 1 }, light, p);
    const four = run({ instance: 'c6a.4xlarge', tasks: 2, workers: 4 }, light, p);
    expect(four.latencyMs.p95.ciHigh).toBeLessThan(one.latencyMs.p95.ciLow * 0.6);

    // Saturated CPU: local disk (no blocking I/O), 2 vCPUs, a burst that keeps both cores busy.
    // Two workers already use both cores; eight only share them more finely.
    const heavy = burstScenario({ burst: 150, duration: 25, timeout: 120 });
    const two = run({ instance: 'custom', vcpus: 2, memoryGiB: 8, tasks: 1, workers: 2, storage: 'local' }, heavy, p);
    const eight = run({ instance: 'custom', vcpus: 2, memoryGiB: 8, tasks: 1, workers: 8, storage: 'local' }, heavy, p);
    expect(two.instances[0].cpuUtilPeak).toBeGreaterThan(0.99);
    expect(eight.latencyMs.p95.mean).toBeGreaterThan(two.latencyMs.p95.mean * 0.9);
  });

  it('a sync worker past its timeout is killed: 502 and a restart', () => {
    // 1 s worker timeout, requests that need ~1.5 s of CPU on a busy core.
    const p = params({ 'gunicorn.timeoutS': 1, 'service.walkCpuPerFileMs': 2 });
    const s = burstScenario({ burst: 10, duration: 15 });
    const r = run({ instance: 'c6a.xlarge', tasks: 1, workers: 2, workerClass: 'sync' }, s, p, 3);
    expect(r.failures.http502.mean).toBeGreaterThan(0);
    expect(r.workerRestarts.mean).toBeGreaterThan(0);
    // Restarted workers serve again: the cheap redirects still succeed after kills.
    expect(r.errorRate.mean).toBeLessThan(1);
    const patient = run({ instance: 'c6a.xlarge', tasks: 1, workers: 2, workerClass: 'sync' }, s, params({ 'service.walkCpuPerFileMs': 2 }), 3);
    expect(patient.failures.http502.mean).toBe(0);
    expect(patient.workerRestarts.mean).toBe(0);
  });

  it('a full listen backlog refuses connections (the ALB answers 502)', () => {
    const s = burstScenario({ burst: 100, duration: 15 });
    const small = run({ instance: 'c6a.xlarge', tasks: 1, workers: 1, workerClass: 'sync' }, s, params({ 'gunicorn.backlog': 5 }), 3);
    const normal = run({ instance: 'c6a.xlarge', tasks: 1, workers: 1, workerClass: 'sync' }, s, params(), 3);
    expect(small.failures.http502.mean).toBeGreaterThan(50);
    expect(normal.failures.http502.mean).toBe(0);
  });

  it('least outstanding requests with zero feedback beats round robin on mixed slow and fast requests', () => {
    // One ALB node, 4 single-worker sync targets, steady traffic of cheap redirects and expensive walks.
    // Redirects do no walk (fast); simple pages and downloads walk the repository (slow). About 75 % busy.
    const s = steadyScenario(13, 60);
    // Without stickiness: every request is the algorithm's to place.
    const p = params({ 'alb.nodes': 1, 'alb.healthIntervalS': 300, 'service.redirectWalks': 0, 'alb.stickiness': 0 });
    const sizing = { instance: 'c6a.4xlarge', tasks: 4, workers: 1, workerClass: 'sync' as const };
    const rr = run({ ...sizing, algorithm: 'round_robin' }, s, p);
    const lor = run({ ...sizing, algorithm: 'least_outstanding_requests', lorFeedbackMs: 0 }, s, p);
    expect(lor.latencyMs.p95.ciHigh).toBeLessThan(rr.latencyMs.p95.ciLow);
  });

  it('least outstanding requests is no better than round robin when the feedback is older than the burst, and can herd', () => {
    const s = burstScenario({ burst: 200, duration: 25 });
    const p = params({ 'alb.nodes': 1 });
    const sizing = { instance: 'c6a.2xlarge', tasks: 4, workers: 2 };
    const rr = run({ ...sizing, algorithm: 'round_robin' }, s, p);
    const stale = run({ ...sizing, algorithm: 'least_outstanding_requests', lorFeedbackMs: 5000 }, s, p);
    expect(stale.latencyMs.p95.mean).toBeGreaterThan(rr.latencyMs.p95.mean * 0.95);
    expect(stale.maxTargetShare.mean).toBeGreaterThanOrEqual(rr.maxTargetShare.mean);
  });

  it('per-connection routing (keep-alive pinning) raises the largest target share during bursts', () => {
    const s = burstScenario({ burst: 200, duration: 25 });
    const perRequest = run({ instance: 'c6a.xlarge', tasks: 6, workers: 2 }, s, params({ 'alb.perConnectionRouting': 0, 'alb.stickiness': 0 }));
    const perConnection = run({ instance: 'c6a.xlarge', tasks: 6, workers: 2 }, s, params({ 'alb.perConnectionRouting': 1, 'alb.stickiness': 0 }));
    expect(perConnection.maxTargetShare.ciLow).toBeGreaterThan(perRequest.maxTargetShare.ciHigh);
  });

  it('memory overcommit swaps and multiplies latency', () => {
    // t3.micro, 128 MB containers, swap on the host: requests in flight push the containers over their limit.
    const s = burstScenario({ burst: 60, duration: 25, timeout: 120 });
    const sizing = { instance: 't3.micro', tasks: 2, workers: 2, containerMemoryMb: 128 };
    // Without stickiness both containers carry the burst.
    const lean = run(sizing, s, params({ 'memory.swapMb': 2047, 'memory.perInFlightKB': 50, 'alb.stickiness': 0 }), 3);
    const heavy = run(sizing, s, params({ 'memory.swapMb': 2047, 'memory.perInFlightKB': 6000, 'alb.stickiness': 0 }), 3);
    expect(lean.instances[0].swapUsedMaxMb).toBe(0);
    expect(heavy.instances[0].swapUsedMaxMb).toBeGreaterThan(100);
    expect(heavy.latencyMs.p50.mean).toBeGreaterThan(2 * lean.latencyMs.p50.mean);
    expect(heavy.instances[0].iowaitPeak).toBeGreaterThan(lean.instances[0].iowaitPeak);
  });

  it('a smaller page cache raises NFS operations per request', () => {
    // A 9 GB repository (30 MB wheels): 32 GiB holds it in cache, 4 GiB does not.
    const s = burstScenario({ burst: 30, duration: 25, wheelBytes: 30_000_000 });
    const big = run({ instance: 'c6a.4xlarge', tasks: 2, workers: 2 }, s, params(), 3);
    const small = run({ instance: 'c6a.large', tasks: 2, workers: 2 }, s, params(), 3);
    expect(small.instances[0].pageCacheHitRate).toBeLessThan(big.instances[0].pageCacheHitRate);
    expect(small.instances[0].nfsOpsPerRequest).toBeGreaterThan(1.5 * big.instances[0].nfsOpsPerRequest);
  });

  it('a health check that queues behind a burst fails and takes the target out', () => {
    // One single-worker task whose container fills the instance (no room to start a replacement first):
    // a long burst keeps its queue longer than the 5 s health timeout over two check intervals, the
    // target turns unhealthy, ECS drains it and starts a replacement; meanwhile the ALB answers 503.
    const s = burstScenario({ burst: 300, duration: 25, timeout: 120 });
    const p = params({ 'alb.healthIntervalS': 10 });
    const sizing = { instance: 'c6a.large', tasks: 1, workers: 1, containerMemoryMb: 3000 };
    const busy = run(sizing, s, p, 3);
    expect(busy.taskReplacements.mean).toBeGreaterThan(0);
    expect(busy.failures.http503.mean).toBeGreaterThan(0);
    const idle = run(sizing, burstScenario({ burst: 5, duration: 25 }), p, 3);
    expect(idle.taskReplacements.mean).toBe(0);
    expect(idle.failures.http503.mean).toBe(0);
  });

  it('a gevent worker adds its CPU to every request; more runnable processes than cores cost the contention overhead', () => {
    // One local core saturated by a burst, deterministic CPU (cv 0), one worker: requests run one at a
    // time in arrival order, so the burst lasts its total work and a gevent worker lengthens it by
    // requests x geventCpuMs. Four sync workers time-slice the core: about 1 + c (1 - 1/4) longer.
    const s = burstScenario({ burst: 200, duration: 15, timeout: 120, flow: 'pip-root-index', wheelBytes: 3300 });
    const local = { instance: 'custom', vcpus: 1, memoryGiB: 8, storage: 'local' as const, tasks: 1 };
    const p = params({ 'service.cpuCv': 0, 'gunicorn.geventCpuMs': 0.5, 'cpu.contentionOverhead': 0.2, 'client.burstSpreadMs': 0 });
    const burstMs = (r: ReturnType<typeof run>) => r.durationSeconds.mean * 1000 - 10_000;
    const sync = run({ ...local, workers: 1, workerClass: 'sync' }, s, p, 1);
    const gevent = run({ ...local, workers: 1, workerClass: 'gevent' }, s, p, 1);
    const requests = sync.httpRequests.mean - 3 * 1; // the burst's requests (the baseline install came before)
    expect(burstMs(gevent) - burstMs(sync)).toBeCloseTo(requests * 0.5, -1);
    const four = run({ ...local, workers: 4, workerClass: 'sync' }, s, p, 1);
    const ratio = burstMs(four) / burstMs(sync);
    expect(ratio).toBeGreaterThan(1 + 0.2 * 0.75 * 0.9);
    expect(ratio).toBeLessThan(1 + 0.2 * 0.75);
  });

  it('a generator that dispatches a burst from one event loop reads no response until it has dispatched them all', () => {
    // 100 installs on an idle 16-core machine: every redirect is answered within a few ms, but with
    // 1 ms of dispatch per install no response is read before 100 ms into the burst.
    const s = burstScenario({ burst: 100, baseline: 0, duration: 15, flow: 'pip-root-index', wheelBytes: 3300 });
    const idle = { instance: 'custom', vcpus: 16, memoryGiB: 32, storage: 'local' as const, tasks: 4, workers: 4, workerClass: 'sync' as const };
    const base = { 'client.burstSpreadMs': 0, 'client.rttMs': 0.1, 'service.requestCpuMs': 0.5, 'service.walkCpuPerFileMs': 0.01 };
    const separate = run(idle, s, params(base), 2);
    const oneLoop = run(idle, s, params({ ...base, 'client.burstDispatchMsPerInstall': 1 }), 2);
    expect(separate.perOperation.root.meanOkMs.mean).toBeLessThan(50);
    expect(oneLoop.perOperation.root.meanOkMs.mean).toBeGreaterThanOrEqual(100);
    expect(oneLoop.perOperation.root.meanOkMs.mean).toBeLessThan(150);
  });
});
