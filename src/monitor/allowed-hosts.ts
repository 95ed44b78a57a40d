import os from 'node:os';
import { z } from 'zod';
import type { ResolvedConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

/**
 * The `Host` names the dashboard answers. A page of another site can make a browser send requests to
 * 127.0.0.1 under its own name (DNS rebinding); refusing every name the dashboard was not bound for keeps
 * those requests from reading run history and logs.
 */

const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

const dashboardSettings = z
  .object({
    /** Extra host names (a DNS name or proxy name users type) the dashboard answers. (Default: none) */
    allowedHosts: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** `dashboard.allowedHosts` of the selected environment in config/dwh.yaml. */
export function configuredAllowedHosts(config: ResolvedConfig): string[] {
  const raw = (config.settings as { dashboard?: unknown }).dashboard;
  if (raw === undefined) return [];
  const parsed = dashboardSettings.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(
      'config/dwh.yaml',
      `environments.${config.environment}.dashboard.${issue.path.join('.')}`,
      raw,
      issue.message,
    );
  }
  return parsed.data.allowedHosts;
}

/**
 * localhost, 127.0.0.1, ::1, the address bound and `extra`; bound to every interface (0.0.0.0 / ::), also this
 * machine's host name and interface addresses.
 */
export function allowedHostNames(bindHost: string, extra: string[]): Set<string> {
  const names = [...LOCAL_NAMES, bindHost, ...extra];
  if (WILDCARDS.has(bindHost)) {
    names.push(os.hostname());
    for (const addresses of Object.values(os.networkInterfaces()))
      for (const address of addresses ?? []) names.push(address.address);
  }
  return new Set(names.filter(Boolean).map(normalise));
}

/** The host name of a `Host` header (`name`, `name:port`, `[v6]:port`), lower-case, or null when malformed. */
export function hostOfHeader(header: string): string | null {
  const text = header.trim();
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::\d+)?$/.exec(text);
  if (v6) return normalise(v6[1]!);
  const named = /^([^:[\]\s/]+)(?::\d+)?$/.exec(text);
  return named ? normalise(named[1]!) : null;
}

function normalise(name: string): string {
  return name
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}
