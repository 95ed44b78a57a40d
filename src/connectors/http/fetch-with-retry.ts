import { setTimeout as sleep } from 'node:timers/promises';
import { DwhError, errorMessage } from '../../core/errors.js';
import { InputError } from '../../core/input-error.js';
import { maskUrl } from '../../logging/redact.js';
import type { HttpConnectorConfig } from '../config.js';
import { ConnectorError } from '../connector-error.js';

export interface HttpResponse {
  url: string;
  status: number;
  headers: Headers;
  body: unknown;
}

/** Statuses worth another try: rate limited or a server-side failure. */
const RETRYABLE = (status: number) => status === 429 || status >= 500;

/**
 * One GET with a timeout, retries with exponential backoff on 429/5xx, timeouts and network errors (a
 * `Retry-After` from the server wins over the computed delay), and a minimum gap between requests.
 */
export class HttpClient {
  private nextAllowed = 0;

  constructor(
    private readonly connector: string,
    private readonly config: HttpConnectorConfig,
    private readonly log: (message: string) => void,
  ) {}

  async getJson(url: URL, signal: AbortSignal): Promise<HttpResponse> {
    const shown = maskUrl(url.toString());
    const headers: Record<string, string> = { accept: 'application/json', ...this.config.headers };
    if (this.config.token) {
      headers[this.config.authHeader] = this.config.authScheme
        ? `${this.config.authScheme} ${this.config.token}`
        : this.config.token;
    }
    for (let attempt = 1; ; attempt++) {
      await this.throttle(signal);
      let problem: string;
      let retryAfterMs: number | null = null;
      try {
        const response = await fetch(url, {
          headers,
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.config.timeoutMs)]),
        });
        if (response.ok) {
          const text = await readBody(response, this.config.maxBodyBytes, this.connector, shown);
          try {
            return {
              url: shown,
              status: response.status,
              headers: response.headers,
              body: text ? JSON.parse(text) : null,
            };
          } catch (error) {
            throw new ConnectorError(
              this.connector,
              `GET ${shown} returned a body that is not JSON: ${errorMessage(error)}`,
            );
          }
        }
        const detail = (await response.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ').trim();
        problem = `returned ${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}`;
        if (!RETRYABLE(response.status)) throw new ConnectorError(this.connector, `GET ${shown} ${problem}`);
        retryAfterMs = retryAfter(response.headers.get('retry-after'));
      } catch (error) {
        if (error instanceof DwhError) throw error;
        signal.throwIfAborted();
        problem =
          error instanceof Error && error.name === 'TimeoutError'
            ? `timed out after ${this.config.timeoutMs} ms`
            : `failed, cannot connect: ${networkCause(error)}`;
      }
      if (attempt > this.config.retries) {
        // 429, 5xx, timeouts and network errors: the task's own retries may still get through
        throw new ConnectorError(
          this.connector,
          `GET ${shown} ${problem} (after ${attempt} attempt${attempt > 1 ? 's' : ''})`,
          undefined,
          { retryable: true },
        );
      }
      const backoff = Math.min(this.config.retryDelayMs * 2 ** (attempt - 1), this.config.maxRetryDelayMs);
      const delay = retryAfterMs === null ? backoff : Math.min(retryAfterMs, this.config.maxRetryDelayMs);
      this.log(`GET ${shown} ${problem}; retry ${attempt}/${this.config.retries} in ${delay} ms`);
      await sleep(delay, undefined, { signal });
    }
  }

  private async throttle(signal: AbortSignal): Promise<void> {
    if (!this.config.ratePerSecond) return;
    const now = Date.now();
    const wait = this.nextAllowed - now;
    this.nextAllowed = Math.max(now, this.nextAllowed) + 1000 / this.config.ratePerSecond;
    if (wait > 0) await sleep(wait, undefined, { signal });
  }
}

/**
 * The body as text, refused once it is larger than `limit` bytes (by Content-Length before reading, else
 * while reading): a body too large to hold would otherwise fail deep in the runtime and look like a network
 * error worth retrying. The same body comes back on every try, so this is not retried.
 */
async function readBody(
  response: Response,
  limit: number,
  connector: string,
  shown: string,
): Promise<string> {
  const tooLarge = (size: string) =>
    new InputError(
      `connector '${connector}': GET ${shown}`,
      null,
      `the response body is ${size}, more than maxBodyBytes (${limit} bytes); raise maxBodyBytes on the connector or ask for smaller pages`,
    );
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel();
    throw tooLarge(`${declared} bytes`);
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    // leaving the loop by throwing cancels the body: the rest is never downloaded
    if (size > limit) throw tooLarge('larger');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Retry-After is seconds or an HTTP date. */
function retryAfter(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? errorMessage(error);
}
