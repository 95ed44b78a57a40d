import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { runtimeMs } from '../core/runtime-env.js';
import { blockedRunStatements } from '../audit/run-store.js';

/**
 * A task that blocks the event loop (a synchronous busy loop) stops everything of the run: its timeout timer,
 * the heartbeat, SIGTERM. The watchdog is a worker thread with its own event loop. The main thread bumps a
 * shared counter every PING_MS; once a task with a timeout has run past `timeout + grace` and the counter has
 * not moved for `grace`, the worker records the failure and kills the process (SIGKILL: a blocked main thread
 * runs no handler).
 *
 * On a server the worker writes the attempt and the run as `failed` through a connection of its own. PGlite is
 * in-process, so the worker cannot reach it: it writes the explanation to stderr and the run log, and the next
 * start of the project marks the run `crashed` (crash recovery).
 */
export interface RunWatchdog {
  /** Watched while running (several attempts may run at once); one without a timeout is not watched. */
  attemptStarted(task: string, attempt: number, timeoutMs: number | undefined): void;
  attemptEnded(task: string, attempt: number): void;
  stop(): void;
}

export interface RunWatchdogOptions {
  runId: number;
  project: string;
  /** Server URL for the worker's own connection; null on PGlite. */
  url: string | null;
  logFile: string;
  /** (Default: DWH_WATCHDOG_GRACE_MS, else 30 000) */
  graceMs?: number;
}

const PING_MS = 100;

function watchdogGrace(env: NodeJS.ProcessEnv = process.env): number {
  return runtimeMs('DWH_WATCHDOG_GRACE_MS', env);
}

export function startRunWatchdog(options: RunWatchdogOptions): RunWatchdog {
  const graceMs = options.graceMs ?? watchdogGrace();
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      counter,
      graceMs,
      pingMs: PING_MS,
      url: options.url,
      pgPath: options.url ? createRequire(import.meta.url).resolve('pg') : null,
      logFile: options.logFile,
      bindings: { project: options.project, runId: options.runId },
    },
  });
  worker.unref();
  // a watchdog that cannot start must not stop the run
  worker.on('error', () => {});
  const ping = setInterval(() => Atomics.add(counter, 0, 1), PING_MS);
  ping.unref();
  return {
    attemptStarted(task, attempt, timeoutMs) {
      if (timeoutMs === undefined) return;
      const message =
        `blocked the event loop past its timeout of ${timeoutMs} ms and ${graceMs} ms of grace ` +
        `(attempt ${attempt}): the watchdog stopped the process`;
      worker.postMessage({
        key: `${task}#${attempt}`,
        task,
        attempt,
        deadline: Date.now() + timeoutMs + graceMs,
        message: `task '${task}' ${message}`,
        statements: options.url ? blockedRunStatements({ runId: options.runId, task, attempt }, message) : [],
      });
    },
    attemptEnded: (task, attempt) => worker.postMessage({ key: `${task}#${attempt}`, ended: true }),
    stop() {
      clearInterval(ping);
      void worker.terminate();
    },
  };
}

// Plain JavaScript run by the worker (eval: no module file to resolve, the same from src/ and dist/).
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { counter, graceMs, pingMs, url, pgPath, logFile, bindings } = workerData;
const watched = new Map();
let seen = Atomics.load(counter, 0);
let movedAt = Date.now();
let firing = false;
parentPort.on('message', (message) => {
  if (message.ended) watched.delete(message.key);
  else watched.set(message.key, message);
});

async function fire(attempt) {
  firing = true;
  const line = 'dwh: ' + attempt.message + '\\n';
  try { fs.writeSync(2, line); } catch {}
  try {
    fs.appendFileSync(logFile, JSON.stringify({ level: 60, time: Date.now(), ...bindings, task: attempt.task,
      attempt: attempt.attempt, msg: attempt.message }) + '\\n');
  } catch {}
  if (url && attempt.statements.length) {
    try {
      const pg = require(pgPath);
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, statement_timeout: 5000 });
      client.on('error', () => {});
      await client.connect();
      for (const statement of attempt.statements) await client.query(statement.text, statement.values);
      await client.end();
    } catch (error) {
      try { fs.writeSync(2, 'dwh: the watchdog could not record the failure: ' + error.message + '\\n'); } catch {}
    }
  }
  process.kill(process.pid, 'SIGKILL');
}

setInterval(() => {
  const now = Date.now();
  const value = Atomics.load(counter, 0);
  if (value !== seen) { seen = value; movedAt = now; }
  if (firing || now - movedAt <= Math.max(graceMs, 5 * pingMs)) return;
  let due = null;
  for (const attempt of watched.values())
    if (now > attempt.deadline && (!due || attempt.deadline < due.deadline)) due = attempt;
  if (due) void fire(due);
}, pingMs);
`;
