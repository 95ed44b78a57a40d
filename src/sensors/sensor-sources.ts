import { parseConnectorsConfig } from '../connectors/config.js';
import { DwhError } from '../core/errors.js';
import { problemFromError, type OptionCheckContext, type OptionProblem } from '../core/option-check.js';
import type { Connector, ConnectorKind, TaskContext } from '../core/types.js';
import { windowParams } from '../core/window-params.js';
import { bindNamedParams } from '../db/named-params.js';

/**
 * Where the built-in sensors look: a connector of config/dwh.yaml (checked when the project loads: it exists
 * and is of a kind the sensor can read), or the warehouse the run writes to.
 */

/** The problems of a connector a sensor names: unknown, or of another kind. */
export function connectorProblems(
  key: string,
  name: string,
  kinds: readonly ConnectorKind[],
  context: OptionCheckContext,
): OptionProblem[] {
  try {
    const connectors = parseConnectorsConfig(context.connectors, context.configFile, context.environment);
    const config = connectors[name];
    if (!config) {
      const known = Object.keys(connectors).join(', ') || '(none)';
      return [
        {
          key,
          value: name,
          problem: `unknown connector; ${context.configFile} environments.${context.environment}.connectors has: ${known}`,
        },
      ];
    }
    if (!kinds.includes(config.kind))
      return [
        {
          key,
          value: name,
          problem: `is a ${config.kind} connector; this sensor reads ${kinds.join(' or ')} connectors`,
        },
      ];
    return [];
  } catch (error) {
    return [problemFromError(error, key, name)];
  }
}

/** The named connector of the run, refused when it is of a kind the sensor cannot read. */
export async function sensorConnector(
  ctx: TaskContext,
  name: string,
  kinds: readonly ConnectorKind[],
): Promise<Connector> {
  const connector = await ctx.connector(name);
  if (!kinds.includes(connector.kind))
    throw new DwhError(
      'CONFIG',
      `sensor '${ctx.task.name}': connector '${name}' is a ${connector.kind} connector; ` +
        `it reads ${kinds.join(' or ')} connectors`,
    );
  return connector;
}

/** A query of a sensor: `:name` parameters, the window's (`:start_load_date`, `:end_load_date`…) always bound. */
export interface SensorQuery {
  sql: string;
  params?: Record<string, unknown> | undefined;
  /** A postgres or mysql connector. (Default: the warehouse) */
  connector?: string | undefined;
}

/** The first column of the first row of the query; `found: false` when it returned no row. */
export async function firstValue(
  ctx: TaskContext,
  query: SensorQuery,
): Promise<{ found: boolean; value: unknown }> {
  if (query.connector === undefined) {
    const all = { ...windowParams(ctx.window, ctx.runId), ...query.params };
    const bound = bindNamedParams(query.sql, all, `sensor '${ctx.task.name}' sql`);
    const [row] = await ctx.sql(bound.text, bound.values);
    return row ? { found: true, value: Object.values(row)[0] } : { found: false, value: undefined };
  }
  const connector = await sensorConnector(ctx, query.connector, ['postgres', 'mysql']);
  const source = await connector.extract(
    { query: query.sql, params: query.params ?? {} },
    { window: ctx.window, runId: ctx.runId, projectDir: ctx.projectDir, signal: ctx.signal, log: ctx.log },
    { prefer: 'rows' },
  );
  if (source.kind !== 'rows') throw new Error(`connector '${query.connector}' gave bytes, not rows`);
  let first: { found: boolean; value: unknown } = { found: false, value: undefined };
  // read to the end: a connector finishes its statement (closes its cursor) only then
  for await (const batch of source.batches)
    if (!first.found && batch.rows.length) first = { found: true, value: batch.rows[0]![0] };
  return first;
}
