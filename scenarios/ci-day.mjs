#!/usr/bin/env node
// Writes scenarios/ci-day.offsets (or the file after --out): the install start times (seconds from 08:00)
// of a working day of CI against the index, 08:00 to 16:00. Deterministic (fixed seed): run
// `node scenarios/ci-day.mjs` to regenerate the same file. The recipe (see scenarios/README.md):
//   - all day, single pip installs arriving at random, 0.5 a second on average;
//   - every 10 minutes (at :05, :15, ...) a merge starts pipelines: a burst of 200 installs whose
//     starts spread over 20 s; at lunch (12:00-13:00) 100 installs every 15 minutes instead;
//   - two busy periods, 09:30-10:00 and 14:00-14:30 (release trains, many parallel pipelines): a
//     burst of 2,000 installs every minute, starts spread over 55 s (about 6,000 requests a minute,
//     four times the production peak the report saw), in place of the 10-minute bursts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rng = mulberry32(20261201);
const DAY_S = 8 * 3600;
const at = (h, m) => (h - 8) * 3600 + m * 60;
const busy = [
  [at(9, 30), at(10, 0)],
  [at(14, 0), at(14, 30)],
];
const lunch = [at(12, 0), at(13, 0)];
const inside = (t, [a, b]) => t >= a && t < b;
const offsets = [];
const burst = (start, installs, spreadS) => {
  for (let k = 0; k < installs; k++) offsets.push(start + rng() * spreadS);
};

for (let t = -Math.log(1 - rng()) * 2; t < DAY_S; t += -Math.log(1 - rng()) * 2) offsets.push(t);
for (let t = at(8, 5); t < DAY_S; t += 600) {
  if (busy.some((b) => inside(t, b)) || inside(t, lunch)) continue;
  burst(t, 200, 20);
}
for (let t = lunch[0]; t < lunch[1]; t += 900) burst(t, 100, 20);
for (const [a, b] of busy) for (let t = a; t < b; t += 60) burst(t, 2000, 55);

offsets.sort((x, y) => x - y);
const lines = ['# ci-day: install start offsets in seconds from 08:00, written by scenarios/ci-day.mjs (do not edit by hand)'];
for (let i = 0; i < offsets.length; i += 16) lines.push(offsets.slice(i, i + 16).map((s) => s.toFixed(1)).join(' '));
const outFlag = process.argv.indexOf('--out');
const out = outFlag >= 0 ? process.argv[outFlag + 1] : fileURLToPath(new URL('./ci-day.offsets', import.meta.url));
writeFileSync(out, `${lines.join('\n')}\n`);
console.log(`${out}: ${offsets.length} installs over ${DAY_S / 3600} h`);
