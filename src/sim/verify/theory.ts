import factorial from '@stdlib/math-base-special-factorial';

/** Erlang B: blocking probability of M/M/c/c with `servers` servers and offered load `a` = lambda / mu (Erlangs). */
export function erlangB(servers: number, a: number): number {
  // Stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: probability an arrival waits in M/M/c (requires a < c). */
export function erlangC(servers: number, a: number): number {
  if (!(a < servers)) throw new RangeError(`M/M/c is unstable: offered load ${a} >= ${servers} servers`);
  const rho = a / servers;
  const top = (Math.pow(a, servers) / factorial(servers)) * (1 / (1 - rho));
  let sum = 0;
  for (let k = 0; k < servers; k++) sum += Math.pow(a, k) / factorial(k);
  return top / (sum + top);
}

/** Mean waiting time in queue of M/M/c: C(c, a) / (c mu - lambda). */
export function mmcMeanWait(servers: number, lambda: number, mu: number): number {
  return erlangC(servers, lambda / mu) / (servers * mu - lambda);
}

/** M/M/1 response time is exponential with rate mu - lambda: its mean and q-quantile. */
export function mm1ResponseMean(lambda: number, mu: number): number {
  if (!(lambda < mu)) throw new RangeError('M/M/1 is unstable: lambda >= mu');
  return 1 / (mu - lambda);
}

export function mm1ResponseQuantile(lambda: number, mu: number, q: number): number {
  return -Math.log(1 - q) / (mu - lambda);
}

/** M/G/1 processor sharing mean response time E[S] / (1 - rho): insensitive to the service distribution. */
export function mg1PsResponseMean(lambda: number, meanService: number): number {
  const rho = lambda * meanService;
  if (!(rho < 1)) throw new RangeError('M/G/1-PS is unstable: rho >= 1');
  return meanService / (1 - rho);
}
