import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { datesOutsideWindow } from '../audit/watermark.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { Warehouse } from '../db/connection.js';
import { bindNamedParams } from '../db/named-params.js';
import { splitSqlStatements } from '../db/split-sql.js';
import { createAttemptFence, type AttemptFence } from './attempt-fence.js';
import type { ProjectParameters } from '../core/define-project.js';
import type { OutputWriter } from '../core/output.js';
import type { LoadWindow, SqlRunner, TaskContext, TaskResult } from '../core/types.js';
import { windowParams } from '../core/window-params.js';

export interface ContextBase {
  project: ProjectParameters;
  /** The run parameters, validated (see core/run-params.ts). */
  params: Readonly<Record<string, unknown>>;
  projectDir: string;
  environment: string;
  runId: number;
  window: LoadWindow;
  warehouse: Warehouse;
  log: Logger;
  output: OutputWriter;
  /** Connectors of the run; without it `ctx.connector()` rejects. */
  connectors?: ConnectorRegistry;
}

export function createTaskContext(
  base: ContextBase,
  task: string,
  attempt: number,
  signal: AbortSignal,
  report: (result: TaskResult) => void,
  upstream: (task: string) => unknown = () => {
    throw new Error('ctx.upstream: there are no upstream tasks here');
  },
): TaskContext {
  const log = base.log.child({ task, attempt });
  // after the attempt ends (its signal aborts), nothing of this ctx may touch the warehouse or the run again
  const fence = createAttemptFence(task, attempt, signal, log);
  return {
    project: base.project,
    params: base.params,
    projectDir: base.projectDir,
    environment: base.environment,
    runId: base.runId,
    task: { name: task, attempt },
    window: base.window,
    db: fence.knex(base.warehouse.knex),
    sql: createSqlRunner(base, fence),
    log,
    signal,
    report: fence.guard('ctx.report', (result: TaskResult) => {
      const warning = datesOutsideWindow(task, base.window, result);
      if (warning) log.warn(warning);
      report(result);
    }),
    output: base.output,
    upstream: <Value>(name: string) => upstream(name) as Value,
    connector: async (name) => {
      fence.check(`ctx.connector('${name}')`);
      if (!base.connectors) throw new Error(`ctx.connector('${name}'): connectors are not available here`);
      return base.connectors.get(name);
    },
  };
}

/**
 * `ctx.sql(text, values)` runs one statement with `$n` parameters. `ctx.sql.file(path, params)` runs a `.sql`
 * file of the project statement by statement with `:name` parameters; `:start_load_date`, `:end_load_date`,
 * `:previous_max_date` and `:run_id` are always available. It returns the rows of the last statement.
 */
function createSqlRunner(base: ContextBase, fence: AttemptFence): SqlRunner {
  const run = (async <Row>(text: string, values?: readonly unknown[]) => {
    fence.check('ctx.sql');
    return base.warehouse.query<Row>(text, values);
  }) as SqlRunner;
  run.file = async <Row>(relativePath: string, params: Record<string, unknown> = {}) => {
    const file = path.resolve(base.projectDir, relativePath);
    const shown = path.relative(base.projectDir, file);
    const all = { ...windowParams(base.window, base.runId), ...params };
    let rows: Row[] = [];
    for (const statement of splitSqlStatements(readFileSync(file, 'utf8'))) {
      const bound = bindNamedParams(statement.text, all, `${shown} line ${statement.line}`);
      fence.check(`ctx.sql.file('${shown}')`);
      try {
        rows = await base.warehouse.query<Row>(bound.text, bound.values);
      } catch (error) {
        throw new Error(`${shown} line ${statement.line}: ${(error as Error).message}`, { cause: error });
      }
    }
    return rows;
  };
  return run;
}
