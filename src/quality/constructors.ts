import type { CheckKind } from '../core/check-result.js';
import { ConfigError } from '../core/errors.js';
import { firstIssue, parseCheck } from './check-schemas.js';
import type {
  AcceptedValuesCheck,
  Check,
  CheckOf,
  ExpressionCheck,
  FreshnessCheck,
  GapsCheck,
  NotNullCheck,
  RangeCheck,
  RecordDiscrepancyCheck,
  RelationshipsCheck,
  RowCountCheck,
  SchemaDriftCheck,
  StaleProjectsCheck,
  UniqueCheck,
  VolumeAnomalyCheck,
} from './types.js';

type Options<C extends Check> = Omit<C, 'kind'>;

/** Validates a check where it is declared, so a typo fails when the factory loads, not after the load. */
function make<K extends CheckKind>(kind: K, fn: string, options: object): CheckOf<K> {
  const parsed = parseCheck({ ...(options as Record<string, unknown>), kind });
  if (!parsed.success) {
    const issue = firstIssue(parsed.error, options);
    throw new ConfigError(`${fn}()`, issue.key, issue.value, issue.problem);
  }
  return parsed.data as CheckOf<K>;
}

/** No nulls in any of the columns. Observed: rows with a null. */
export const notNull = (o: Options<NotNullCheck>) => make('not_null', 'notNull', o);
/** No two rows share the (compound) key. Observed: duplicated keys. */
export const unique = (o: Options<UniqueCheck>) => make('unique', 'unique', o);
/** Every non-null value is one of `values`. Observed: rows with another value. */
export const acceptedValues = (o: Options<AcceptedValuesCheck>) =>
  make('accepted_values', 'acceptedValues', o);
/** Every non-null value lies in `[min, max]`. Observed: rows outside. */
export const range = (o: Options<RangeCheck>) => make('range', 'range', o);
/** Every non-null child key exists in the parent. Observed: missing keys. */
export const relationships = (o: Options<RelationshipsCheck>) => make('relationships', 'relationships', o);
/** The table has between `min` and `max` rows. Observed: the row count. */
export const rowCount = (o: Options<RowCountCheck>) => make('row_count', 'rowCount', o);
/** Source and target counts agree within a tolerance. Observed: the absolute difference. */
export const recordDiscrepancy = (o: Options<RecordDiscrepancyCheck>) =>
  make('record_discrepancy', 'recordDiscrepancy', o);
/** The newest value of a column is recent enough. Observed: its age in hours. */
export const freshness = (o: Options<FreshnessCheck>) => make('freshness', 'freshness', o);
/** Projects whose last successful run is older than their schedule allows. Observed: stale projects. */
export const staleProjects = (o: Options<StaleProjectsCheck> = {}) =>
  make('stale_projects', 'staleProjects', o);
/** Live columns match metadata/schema.yaml. Observed: new, missing or retyped columns. */
export const schemaDrift = (o: Options<SchemaDriftCheck> = {}) => make('schema_drift', 'schemaDrift', o);
/** Every day of the window has rows. Observed: days without rows. */
export const gaps = (o: Options<GapsCheck>) => make('gaps', 'gaps', o);
/** Today's volume lies within mean ± k·stddev of the recent history. Observed: today's count. */
export const volumeAnomaly = (o: Options<VolumeAnomalyCheck> = {}) =>
  make('volume_anomaly', 'volumeAnomaly', o);
/** A custom query returning failing rows. Observed: failing rows. */
export const expression = (o: Options<ExpressionCheck>) => make('expression', 'expression', o);
