/**
 * One AWS API call as the diagnostics make it: bounded by a deadline (a hung
 * call never blocks a collection), its failure as one line, and a refused
 * permission told apart and named by its IAM action.
 */

/** Sends an AWS command with an abort signal and a hard deadline. */
export async function sendWithTimeout<T>(send: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      const error = new Error(`no answer within ${timeoutMs} ms`);
      error.name = 'TimeoutError';
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([send(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** An AWS SDK error as one line (name and message, no stack). */
export function errorText(error: unknown): string {
  const err = error as { name?: string; message?: string };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') return `AWS call timed out${err.message ? ` (${err.message})` : ''}`;
  const name = err?.name && err.name !== 'Error' ? `${err.name}: ` : '';
  return `${name}${err?.message ?? String(error)}`.split('\n')[0].slice(0, 300);
}

/** Error names the services use for a refused permission (ELBv2 and SSM: AccessDenied*, ECS: AccessDeniedException, EC2: UnauthorizedOperation). */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException']);

export function isAccessDenied(error: unknown): boolean {
  const err = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return DENIED.has(err?.name ?? '') || DENIED.has(err?.Code ?? '') || err?.$metadata?.httpStatusCode === 403;
}

/** "ecs:DescribeServices denied (AccessDeniedException)" or "ecs:DescribeServices: <error>". */
export function describeAwsFailure(action: string, error: unknown): string {
  if (isAccessDenied(error)) return `${action} denied (${(error as { name?: string }).name ?? 'AccessDenied'}): the role capsim runs with may not call it`;
  return `${action}: ${errorText(error)}`;
}
