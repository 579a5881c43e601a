/**
 * Which kind of install each install of a scenario is, for the model and the
 * live generator alike. A scenario without a flowMix has one kind (its flow
 * and client). With a mix, install k runs the entry its replay line names,
 * else one drawn by share from `uniform` (one draw per install, in install
 * order, so the same seed gives the same mix); one kind draws nothing.
 */
import type { FlowMixEntry, Scenario } from './types.js';

/** The kinds of install of a scenario: its mix, or its one flow with its client. */
export function installKinds(scenario: Pick<Scenario, 'flow' | 'flowMix' | 'client'>): readonly FlowMixEntry[] {
  return scenario.flowMix ?? [{ name: scenario.flow, flow: scenario.flow, share: 1, client: scenario.client }];
}

/** The longest client timeout of a scenario's kinds, seconds (what the balancer may wait for). */
export function longestClientTimeoutSeconds(scenario: Pick<Scenario, 'flow' | 'flowMix' | 'client'>): number {
  return Math.max(...installKinds(scenario).map((k) => k.client.timeoutSeconds));
}

/** Picks the kind (an index into installKinds) of install k. */
export type KindPicker = (install: number) => number;

export function kindPicker(scenario: Scenario, uniform: () => number): KindPicker {
  const kinds = installKinds(scenario);
  if (kinds.length === 1) return () => 0;
  const named = scenario.profile.executor === 'replay' ? scenario.profile.offsetsMix : undefined;
  const cumulative: number[] = [];
  let total = 0;
  for (const kind of kinds) cumulative.push((total += kind.share));
  return (install) => {
    const stated = named?.[install] ?? -1;
    if (stated >= 0) return stated;
    const u = uniform() * total;
    for (let k = 0; k < cumulative.length; k++) if (u < cumulative[k]) return k;
    return kinds.length - 1;
  };
}
