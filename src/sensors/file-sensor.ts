import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { FileConnector } from '../connectors/file/file-connector.js';
import type { TaskDefinition } from '../core/types.js';
import { formatDuration } from '../present/durations.js';
import { sensorTask, type SensorKind } from './sensor.js';
import { sensorSchema, type SensorOptions } from './sensor-options.js';
import { connectorProblems, sensorConnector } from './sensor-sources.js';

export interface FileSensorOptions extends SensorOptions {
  /** The files to wait for, relative to the folder: `orders_*.csv`, `exports/**\/done.flag`. */
  glob: string;
  /** The folder, relative to the project folder (or absolute). (Default: the project folder) */
  dir?: string;
  /** A `file` connector of config/dwh.yaml: its folder (`dir`, relative to the home). Not with `dir`. */
  connector?: string;
  /** A file counts once it has at least this many bytes. (Default: 0) */
  minBytes?: number;
  /**
   * A file counts once its size and modification time have not changed for this long: a file still being
   * written is not taken. (Default: 0, at once)
   */
  stableForMs?: number;
}

const schema = sensorSchema({
  glob: z.string().min(1),
  dir: z.string().min(1).optional(),
  connector: z.string().min(1).optional(),
  minBytes: z.number().int().min(0).optional(),
  stableForMs: z.number().int().min(0).optional(),
}).superRefine((options, ctx) => {
  if (options.dir !== undefined && options.connector !== undefined)
    ctx.addIssue({ code: 'custom', path: ['connector'], message: 'give dir or connector, not both' });
});

type Options = z.output<typeof schema>;

/** What one poke saw of one matching file. */
interface SeenFile {
  name: string;
  size: number;
  /** For how long its size and modification time have not changed. */
  unchangedMs: number;
}

/** How many files a message lists. */
const LISTED = 5;

const kind: SensorKind<Options> = {
  name: 'fileSensor',
  schema,
  check: (options, context) =>
    options.connector === undefined
      ? []
      : connectorProblems('connector', options.connector, ['file'], context),
  waitingFor: (options) => `a file ${options.glob} in ${where(options)}`,
  start: (_ctx, options) => {
    // per file: its size and modification time at the last poke, and since when they have not changed
    const known = new Map<string, { size: number; mtimeMs: number; since: number }>();
    return async (ctx) => {
      const folder = options.connector
        ? ((await sensorConnector(ctx, options.connector, ['file'])) as FileConnector).folder(ctx.projectDir)
        : path.resolve(ctx.projectDir, options.dir ?? '.');
      if (!existsSync(folder)) return { done: false, message: `the folder ${where(options)} does not exist` };
      const { glob } = await import('tinyglobby');
      const names = (await glob(options.glob, { cwd: folder, onlyFiles: true })).sort();
      const now = Date.now();
      const files: SeenFile[] = [];
      for (const name of names) {
        const info = await statOrNull(path.join(folder, name));
        if (!info) continue; // removed between the listing and now
        const before = known.get(name);
        const same = before && before.size === info.size && before.mtimeMs === info.mtimeMs;
        // unchanged since its last write, as far as the pokes saw; a change that left the time as it was, or a
        // time in the future (another clock), counts from now
        const since = same
          ? before.since
          : before?.mtimeMs === info.mtimeMs || info.mtimeMs > now
            ? now
            : info.mtimeMs;
        known.set(name, { size: info.size, mtimeMs: info.mtimeMs, since });
        files.push({ name, size: info.size, unchangedMs: now - since });
      }
      for (const name of known.keys()) if (!names.includes(name)) known.delete(name);
      if (files.length === 0)
        return { done: false, message: `no file matches ${options.glob} in ${where(options)}` };
      const minBytes = options.minBytes ?? 0;
      const stableForMs = options.stableForMs ?? 0;
      const ready = files.filter((f) => f.size >= minBytes && f.unchangedMs >= stableForMs);
      if (ready.length)
        return { done: true, message: `ready: ${listed(ready, (f) => `${f.name} (${f.size} bytes)`)}` };
      const why = (f: SeenFile) =>
        f.size < minBytes
          ? `${f.name} has ${f.size} bytes (minBytes ${minBytes})`
          : `${f.name} changed ${formatDuration(f.unchangedMs)} ago (stableForMs ${formatDuration(stableForMs)})`;
      return {
        done: false,
        message: `${files.length} file(s) match ${options.glob}, none ready: ${listed(files, why)}`,
      };
    };
  },
};

/**
 * `fileSensor(name, { glob, dir | connector, minBytes, stableForMs, timeoutMs, pokeIntervalMs, softFail })`:
 * waits until at least one file matching `glob` has `minBytes` and has not changed for `stableForMs`.
 */
export function fileSensor(name: string, options: FileSensorOptions): TaskDefinition {
  return sensorTask(kind, name, options);
}

function where(options: Options): string {
  if (options.connector !== undefined) return `the folder of connector '${options.connector}'`;
  return options.dir === undefined ? 'the project folder' : `${options.dir}/`;
}

function listed<T>(items: readonly T[], show: (item: T) => string): string {
  const shown = items.slice(0, LISTED).map(show).join('; ');
  return items.length > LISTED ? `${shown}; and ${items.length - LISTED} more` : shown;
}

async function statOrNull(file: string): Promise<{ size: number; mtimeMs: number } | null> {
  try {
    return await stat(file);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    throw error;
  }
}
