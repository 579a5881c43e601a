import { UserError } from '../errors.js';
import { checkLoadSize } from './load.js';
import type { Scenario } from './types.js';

/**
 * Headroom for growth: the same scenario with its load scaled by a factor.
 *   burst-iterations       burstInstalls x F, rounded up (baseline unchanged:
 *                          headroom is about the next, bigger CI burst)
 *   constant-arrival-rate  installsPerSecond x F
 *   ramping-arrival-rate   the start rate and every stage target x F
 *   replay                 timeScale / F (the same installs, F times faster)
 * F = 1 returns an unchanged copy.
 */
export function scaleLoad(scenario: Scenario, factor: number): Scenario {
  if (!(Number.isFinite(factor) && factor > 0)) throw new UserError(`headroom factor must be a number > 0, got ${factor}`);
  if (factor === 1) return structuredClone(scenario);
  return checkLoadSize(scaled(scenario, factor), `scenario "${scenario.name}" scaled by --headroom ${factor}`);
}

function scaled(scenario: Scenario, factor: number): Scenario {
  const p = scenario.profile;
  switch (p.executor) {
    case 'burst-iterations': {
      const next = structuredClone(scenario);
      if (next.profile.executor === 'burst-iterations') next.profile.burstInstalls = Math.ceil(p.burstInstalls * factor);
      return next;
    }
    case 'constant-arrival-rate': {
      const next = structuredClone(scenario);
      if (next.profile.executor === 'constant-arrival-rate') next.profile.installsPerSecond = p.installsPerSecond * factor;
      return next;
    }
    case 'ramping-arrival-rate': {
      const next = structuredClone(scenario);
      if (next.profile.executor === 'ramping-arrival-rate') {
        next.profile.startInstallsPerSecond = p.startInstallsPerSecond * factor;
        for (const stage of next.profile.stages) stage.targetInstallsPerSecond *= factor;
      }
      return next;
    }
    case 'replay': {
      const next = structuredClone(scenario);
      if (next.profile.executor === 'replay') next.profile.timeScale = p.timeScale / factor;
      return next;
    }
  }
}

/** One line saying what scaling did, e.g. "burst 510 -> 765 installs (x 1.5)". */
export function describeScaling(base: Scenario, scaled: Scenario, factor: number): string {
  const a = base.profile;
  const b = scaled.profile;
  if (factor === 1) {
    if (a.executor === 'burst-iterations') return `burst ${a.burstInstalls} installs`;
    if (a.executor === 'constant-arrival-rate') return `${a.installsPerSecond} installs/s`;
    return `the scenario's ${a.executor} load`;
  }
  if (a.executor === 'burst-iterations' && b.executor === 'burst-iterations') {
    return `burst ${a.burstInstalls} -> ${b.burstInstalls} installs (x ${factor})`;
  }
  if (a.executor === 'constant-arrival-rate' && b.executor === 'constant-arrival-rate') {
    return `rate ${a.installsPerSecond} -> ${b.installsPerSecond} installs/s (x ${factor})`;
  }
  if (a.executor === 'ramping-arrival-rate' && b.executor === 'ramping-arrival-rate') {
    return `every stage rate x ${factor}`;
  }
  if (a.executor === 'replay' && b.executor === 'replay') {
    return `replay time scale ${a.timeScale} -> ${b.timeScale} (x ${factor} faster)`;
  }
  return `load x ${factor}`;
}
