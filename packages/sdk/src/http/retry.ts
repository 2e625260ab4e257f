import { AbortedError } from "./errors.js";

/** How failed requests are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying). Default 4. */
  retries: number;
  /** First backoff ceiling in ms; doubles per attempt. Default 250. */
  baseDelayMs: number;
  /** Largest backoff in ms. Default 5000. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 250, maxDelayMs: 5000 };

/**
 * Backoff before retry `attempt` (1-based): "full jitter", a random delay between 0 and the exponential ceiling, so
 * clients that failed together do not retry together. A server's `Retry-After` (seconds) is honoured up to the maximum.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterSeconds?: number,
  random = Math.random,
): number {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    return Math.min(retryAfterSeconds * 1000, policy.maxDelayMs);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Resolves after `ms`, or rejects with {@link AbortedError} when the signal fires first. */
export function sleep(ms: number, signal?: AbortSignal, what = "waiting"): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError(what, { cause: signal.reason }));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError(what, { cause: signal?.reason }));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
