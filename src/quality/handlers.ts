import { evaluateAcceptedValues, evaluateNotNull, evaluateRange, evaluateUnique } from './column-checks.js';
import { evaluateExpression } from './expression.js';
import { evaluateFreshness } from './freshness.js';
import { evaluateGaps } from './gaps.js';
import { evaluateRecordDiscrepancy } from './record-discrepancy.js';
import { evaluateRelationships } from './relationships.js';
import { evaluateRowCount } from './row-count.js';
import { evaluateSchemaDrift } from './schema-drift.js';
import { evaluateStaleProjects } from './stale-projects.js';
import type { CheckKind } from '../core/check-result.js';
import type { CheckOf, CheckScope, Evaluation } from './types.js';
import { evaluateVolumeAnomaly } from './volume-anomaly.js';

export interface CheckHandler<K extends CheckKind> {
  evaluate(check: CheckOf<K>, scope: CheckScope): Promise<Evaluation>;
  /** The table shown in results. */
  table(check: CheckOf<K>): string | null;
  /** The default name: kind and what it looks at. */
  describe(check: CheckOf<K>): string;
}

/** One handler per kind: a new kind without a handler is a compile error. */
const handlers: { [K in CheckKind]: CheckHandler<K> } = {
  not_null: {
    evaluate: evaluateNotNull,
    table: (c) => c.table,
    describe: (c) => `not_null ${c.table}(${c.columns.join(', ')})`,
  },
  unique: {
    evaluate: evaluateUnique,
    table: (c) => c.table,
    describe: (c) => `unique ${c.table}(${c.columns.join(', ')})`,
  },
  accepted_values: {
    evaluate: evaluateAcceptedValues,
    table: (c) => c.table,
    describe: (c) => `accepted_values ${c.table}.${c.column}`,
  },
  range: { evaluate: evaluateRange, table: (c) => c.table, describe: (c) => `range ${c.table}.${c.column}` },
  relationships: {
    evaluate: evaluateRelationships,
    table: (c) => c.table,
    describe: (c) => `relationships ${c.table}.${c.column} → ${c.parent.table}.${c.parent.column}`,
  },
  row_count: { evaluate: evaluateRowCount, table: (c) => c.table, describe: (c) => `row_count ${c.table}` },
  record_discrepancy: {
    evaluate: evaluateRecordDiscrepancy,
    table: (c) => ('table' in c.target ? c.target.table : null),
    describe: (c) =>
      `record_discrepancy ${'table' in c.source ? c.source.table : 'source'} → ${'table' in c.target ? c.target.table : 'target'}`,
  },
  freshness: {
    evaluate: evaluateFreshness,
    table: (c) => c.table,
    describe: (c) => `freshness ${c.table}.${c.column}`,
  },
  stale_projects: {
    evaluate: evaluateStaleProjects,
    table: () => 'dwh.etl_runs',
    describe: () => 'stale_projects',
  },
  schema_drift: {
    evaluate: evaluateSchemaDrift,
    table: (c) => (c.tables?.length === 1 ? c.tables[0]! : null),
    describe: (c) => `schema_drift ${c.file ?? 'metadata/schema.yaml'}`,
  },
  gaps: { evaluate: evaluateGaps, table: (c) => c.table, describe: (c) => `gaps ${c.table}.${c.column}` },
  volume_anomaly: {
    evaluate: evaluateVolumeAnomaly,
    table: (c) => c.table ?? 'dwh.etl_runs',
    describe: (c) => `volume_anomaly ${c.table ?? c.project ?? 'records'}`,
  },
  expression: { evaluate: evaluateExpression, table: (c) => c.table ?? null, describe: (c) => c.name },
};

export function handlerOf<K extends CheckKind>(kind: K): CheckHandler<K> {
  return handlers[kind];
}
