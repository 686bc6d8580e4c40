import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** How long {@link pingRedis} waits for a Redis to answer before giving up (ms). */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;

/** A Redis URL that is not `redis://host[:port][/db]` (or `rediss://` for TLS). */
export class RedisUrlError extends Error {
  constructor(
    readonly url: string,
    problem: string,
  ) {
    super(
      `expected a Redis URL redis://host:port (rediss:// for TLS; optionally redis://:password@host:port/<db>), got '${url}': ${problem}`,
    );
    this.name = 'RedisUrlError';
  }
}

/** No Redis answered at a URL in time (refused, unknown host, timeout, wrong password...). */
export class RedisUnreachableError extends Error {
  constructor(
    /** The URL, without its password. */
    readonly url: string,
    /** Why, with what to do. */
    readonly reason: string,
    /** How long the attempt took (ms). */
    readonly afterMs: number,
  ) {
    super(`cannot reach Redis at ${url}: ${reason}`);
    this.name = 'RedisUnreachableError';
  }
}

/**
 * Check a Redis URL before anything connects: `redis://` or `rediss://`, a host, a port in
 * 1..65535 (default 6379) and an optional database number. Returns the URL.
 *
 * @throws RedisUrlError naming the URL and what is wrong with it.
 * @example
 * ```ts
 * checkRedisUrl('redis://10.0.0.5:6379'); // 'redis://10.0.0.5:6379'
 * checkRedisUrl('10.0.0.5:6379');         // RedisUrlError: ... it has no scheme: write redis://10.0.0.5:6379
 * ```
 */
export function checkRedisUrl(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new RedisUrlError(url, `it has no scheme: write redis://${url}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const port = /^[a-z]+:\/\/[^/]*:(\d+)(\/|$)/.exec(url)?.[1];
    throw new RedisUrlError(
      url,
      port !== undefined && Number(port) > 65535
        ? `the port must be 1..65535, got ${port}`
        : 'not a URL',
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisUrlError(url, `the scheme must be redis: or rediss:, not ${parsed.protocol}`);
  }
  if (parsed.hostname === '') throw new RedisUrlError(url, 'no host');
  if (parsed.port !== '') {
    const port = Number(parsed.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RedisUrlError(url, `the port must be 1..65535, got ${parsed.port}`);
    }
  } else if (/:\d*$/.test(url.split('/')[2] ?? '') && !url.includes('@')) {
    // new URL drops a port of 0 or an empty port silently.
    throw new RedisUrlError(url, 'the port must be 1..65535');
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new RedisUrlError(url, `the path is a database number (/0, /1, ...), got /${db}`);
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new RedisUrlError(url, 'a Redis URL has no query or fragment');
  }
  return url;
}

/** The URL with its password replaced by `***`, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * Check that a Redis answers at `url`: connect and PING, without retries, within `timeoutMs`.
 * ioredis on its own reconnects forever and queues commands while offline, so a sweep or a
 * worker pointed at a wrong address would hang; this fails fast instead.
 *
 * @throws RedisUrlError for a malformed URL; RedisUnreachableError naming the URL and the
 *   reason (connection refused, unknown host, timeout, authentication) within `timeoutMs`.
 * @example
 * ```ts
 * await pingRedis('redis://127.0.0.1:6379'); // resolves, or throws within 5 s
 * ```
 */
export async function pingRedis(url: string, timeoutMs = REDIS_CONNECT_TIMEOUT_MS): Promise<void> {
  checkRedisUrl(url);
  const started = Date.now();
  let lastError: Error | undefined;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    reconnectOnError: () => false,
  });
  client.on('error', (error: Error) => {
    lastError = error;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${(timeoutMs / 1000).toFixed(1)} s`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        const answer = await client.ping();
        if (answer !== 'PONG') throw new Error(`PING answered ${answer}, not PONG`);
      })(),
      timeout,
    ]);
  } catch (error) {
    const reason = describe(url, lastError ?? (error as Error), error as Error, timeoutMs);
    throw new RedisUnreachableError(redactRedisUrl(url), reason, Date.now() - started);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/**
 * BullMQ connection options for `url`: reconnect with a capped backoff (a Redis restarted
 * during a sweep is reconnected to), `maxRetriesPerRequest: null` as BullMQ's blocking
 * connections require. Call {@link pingRedis} first: these options wait for Redis, they do not
 * fail.
 */
export function bullConnection(url: string): ConnectionOptions {
  return {
    url,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(500 * times, 5_000),
  };
}

/** The reason of a connection failure in words, with what to do. */
function describe(url: string, socketError: Error, commandError: Error, timeoutMs: number): string {
  const { hostname, port } = new URL(url);
  const address = `${hostname}:${port || '6379'}`;
  const code = (socketError as NodeJS.ErrnoException).code;
  const message = socketError.message || commandError.message;
  if (code === 'ECONNREFUSED') {
    return `connection refused (${message}): nothing listens on ${address}. Start Redis there (redis-server --port ${port || '6379'}) or check the URL`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `unknown host ${hostname} (${message}): check the URL`;
  }
  if (code === 'ETIMEDOUT' || /ETIMEDOUT|no answer within/.test(message)) {
    return `no answer within ${(timeoutMs / 1000).toFixed(1)} s${message.startsWith('no answer') ? '' : ` (${message})`}: check the address, and that a firewall lets port ${port || '6379'} through`;
  }
  if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message)) {
    return `authentication failed (${message}): give the password in the URL, redis://:<password>@${address}`;
  }
  if (/Protocol error/i.test(message)) {
    return `what answers on ${address} is not a Redis server (${message}): check the port`;
  }
  if (message === 'Connection is closed.' && commandError !== socketError) {
    return commandError.message;
  }
  return message;
}
