import { quoteIdent } from '../db/quote.js';
import { columnList } from './sql-fragments.js';
import type { Sql } from '../db/sql.js';
import { tableIdent, type TableName } from '../db/table-name.js';
import { WarehouseError } from './warehouse-error.js';
import { DAY_MS } from '../core/dates.js';

export type Period = 'day' | 'week' | 'month';
export type MeasureFunction = 'sum' | 'count' | 'avg' | 'min' | 'max';

/** One aggregated column: `fn(column)`, or `count(*)` when column is omitted. */
export interface Measure {
  fn: MeasureFunction;
  column?: string;
}

interface AggregationBase {
  /** Table the aggregate is written to (created on the first load). */
  target: TableName;
  /** Table or view read: usually a fact, or a view joining a fact to its dimensions. */
  source: TableName;
  /** Time column of the source the periods are cut from (UTC). */
  timeColumn: string;
  /** Dimension grouping: source columns kept as they are. (Default: none) */
  groupBy?: readonly string[];
  /** Output column → measure. */
  measures: Record<string, Measure>;
}

/** Day/week (ISO, Monday)/month periods: one row per period and group. */
export interface TumblingAggregation extends AggregationBase {
  kind: 'tumbling';
  period: Period;
}
/** Per day and group: the measures over that day and the `days − 1` days before it (days with rows). */
export interface RollingAggregation extends AggregationBase {
  kind: 'rolling';
  days: number;
}
/** Per period, group and numeric range of `column`: `bounds` [0, 10, 50] give `< 0`, `[0, 10)`, `[10, 50)`, `>= 50`. */
export interface BucketAggregation extends AggregationBase {
  kind: 'buckets';
  period: Period;
  column: string;
  bounds: number[];
}
/** Per period and group: each measure, its value in the previous period, and the change. */
export interface DeltaAggregation extends AggregationBase {
  kind: 'delta';
  period: Period;
}
/** Per period and group: each measure and its running total since the first period. */
export interface RunningTotalAggregation extends AggregationBase {
  kind: 'running_total';
  period: Period;
}

export type Aggregation =
  TumblingAggregation | RollingAggregation | BucketAggregation | DeltaAggregation | RunningTotalAggregation;

/** First instant (UTC) of the period `date` lies in. */
function periodStart(date: Date, period: Period): Date {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  if (period === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (period === 'month') d.setUTCDate(1);
  return d;
}

function addPeriods(date: Date, period: Period, n: number): Date {
  const d = new Date(date.getTime());
  if (period === 'day') d.setUTCDate(d.getUTCDate() + n);
  if (period === 'week') d.setUTCDate(d.getUTCDate() + 7 * n);
  if (period === 'month') d.setUTCMonth(d.getUTCMonth() + n);
  return d;
}

/** The whole periods a window `[start, end)` touches: `[first period start, end of the last period)`. */
function periodsOf(start: Date, end: Date, period: Period): { from: Date; to: Date } {
  return {
    from: periodStart(start, period),
    to: addPeriods(periodStart(new Date(end.getTime() - 1), period), period, 1),
  };
}

/** The SQL statements of one incremental load: create the target if missing, delete the affected periods, insert them. */
export interface AggregationPlan {
  create: Sql;
  delete: Sql;
  insert: Sql;
}

/** A SELECT whose `$n` placeholders are rendered as typed NULLs: the shape of the target for CREATE TABLE AS. */
function shapeOnly(text: string, types: string[]): string {
  return text.replace(/\$(\d+)(::[a-z]+(\[\])?)?/g, (_, n: string) => `NULL::${types[Number(n) - 1]!}`);
}

function measureSql(measure: Measure, alias: string, where: string): string {
  if (!['sum', 'count', 'avg', 'min', 'max'].includes(measure.fn))
    throw new WarehouseError(`${where}: unknown measure function ${JSON.stringify(measure.fn)}`);
  if (!measure.column) {
    if (measure.fn !== 'count') throw new WarehouseError(`${where}: ${measure.fn} needs a column`);
    return 'count(*)';
  }
  return `${measure.fn}(${alias}.${quoteIdent(measure.column)})`;
}

interface SelectOptions {
  period: Period;
  /** Placeholder of the lower time bound (inclusive). */
  from: string;
  /** Placeholder of the upper time bound (exclusive), or none. */
  to: string | null;
  /** Further grouping expressions (after the period). */
  extra?: { column: string; expr: string }[];
}

/** `SELECT period, extra…, groups…, measures… FROM source WHERE time in [from, to) GROUP BY …` */
function periodSelect(spec: AggregationBase, options: SelectOptions): string {
  const groups = spec.groupBy ?? [];
  const time = `s.${quoteIdent(spec.timeColumn)}`;
  const measures = Object.entries(spec.measures).map(
    ([name, m]) =>
      `${measureSql(m, 's', `aggregation ${spec.target.table}: measure ${name}`)} AS ${quoteIdent(name)}`,
  );
  const keys = [
    `date_trunc('${options.period}', ${time}::timestamptz AT TIME ZONE 'UTC')::date AS period`,
    ...(options.extra ?? []).map((e) => `${e.expr} AS ${quoteIdent(e.column)}`),
    ...groups.map((g) => `s.${quoteIdent(g)}`),
  ];
  const where = [`${time} >= ${options.from}::timestamptz`];
  if (options.to) where.push(`${time} < ${options.to}::timestamptz`);
  return `SELECT ${[...keys, ...measures].join(', ')}
  FROM ${tableIdent(spec.source)} s
  WHERE ${where.join(' AND ')}
  GROUP BY ${keys.map((_, i) => i + 1).join(', ')}`;
}

function plan(
  spec: AggregationBase,
  select: Sql,
  range: { from: Date; to: Date | null },
  shape: string,
): AggregationPlan {
  const target = tableIdent(spec.target);
  return {
    create: { text: `CREATE TABLE IF NOT EXISTS ${target} AS ${shape} WITH NO DATA`, values: [] },
    delete: range.to
      ? {
          text: `DELETE FROM ${target} WHERE period >= $1::date AND period < $2::date`,
          values: [range.from, range.to],
        }
      : { text: `DELETE FROM ${target} WHERE period >= $1::date`, values: [range.from] },
    insert: { text: `INSERT INTO ${target} ${select.text}`, values: select.values },
  };
}

type Builder<K extends Aggregation['kind']> = (
  spec: Extract<Aggregation, { kind: K }>,
  start: Date,
  end: Date,
) => AggregationPlan;

const groupColumns = (spec: AggregationBase, alias: string) =>
  (spec.groupBy ?? []).length ? `, ${columnList(spec.groupBy ?? [], alias)}` : '';

const builders: { [K in Aggregation['kind']]: Builder<K> } = {
  tumbling(spec, start, end) {
    const range = periodsOf(start, end, spec.period);
    const text = periodSelect(spec, { period: spec.period, from: '$1', to: '$2' });
    return plan(
      spec,
      { text, values: [range.from, range.to] },
      range,
      shapeOnly(text, ['timestamptz', 'timestamptz']),
    );
  },

  rolling(spec, start, end) {
    if (!Number.isInteger(spec.days) || spec.days < 1)
      throw new WarehouseError(
        `aggregation ${spec.target.table}: days must be a whole number ≥ 1 (got ${spec.days})`,
      );
    for (const [name, m] of Object.entries(spec.measures)) {
      if (m.fn === 'avg')
        throw new WarehouseError(
          `aggregation ${spec.target.table}: measure ${name}: a rolling avg is the ratio of a rolling sum and count`,
        );
    }
    // the window changes its own days and the days−1 days after it; those read days−1 days further back
    const from = periodStart(start, 'day');
    const to = new Date(periodsOf(start, end, 'day').to.getTime() + (spec.days - 1) * DAY_MS);
    const readFrom = new Date(from.getTime() - (spec.days - 1) * DAY_MS);
    const groups = spec.groupBy ?? [];
    const partition = groups.length ? `PARTITION BY ${columnList(groups, 'daily')} ` : '';
    const roll = { sum: 'sum', count: 'sum', min: 'min', max: 'max', avg: 'avg' } as const;
    const rolled = Object.entries(spec.measures).map(([name, m]) => {
      const over = `${roll[m.fn]}(daily.${quoteIdent(name)}) OVER (${partition}ORDER BY daily.period RANGE BETWEEN '${spec.days - 1} days'::interval PRECEDING AND CURRENT ROW)`;
      // a rolled count is a sum of counts: keep it an integer
      return `${m.fn === 'count' ? `(${over})::bigint` : over} AS ${quoteIdent(name)}`;
    });
    const daily = periodSelect(spec, { period: 'day', from: '$3', to: '$2' });
    const text = `SELECT * FROM (
  SELECT daily.period${groupColumns(spec, 'daily')}, ${rolled.join(', ')}
  FROM (${daily}) daily
) rolled
WHERE period >= $1::date AND period < $2::date`;
    return plan(
      spec,
      { text, values: [from, to, readFrom] },
      { from, to },
      shapeOnly(text, ['date', 'timestamptz', 'timestamptz']),
    );
  },

  buckets(spec, start, end) {
    if (
      !spec.bounds.length ||
      spec.bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= spec.bounds[i - 1]!))
    )
      throw new WarehouseError(
        `aggregation ${spec.target.table}: bounds must be ascending numbers (got ${JSON.stringify(spec.bounds)})`,
      );
    const range = periodsOf(start, end, spec.period);
    const labels = [
      `< ${spec.bounds[0]}`,
      ...spec.bounds.slice(1).map((b, i) => `[${spec.bounds[i]}, ${b})`),
      `>= ${spec.bounds.at(-1)}`,
    ];
    const expr = `($3::text[])[width_bucket(s.${quoteIdent(spec.column)}::numeric, $4::numeric[]) + 1]`;
    const text = periodSelect(spec, {
      period: spec.period,
      from: '$1',
      to: '$2',
      extra: [{ column: `${spec.column}_range`, expr }],
    });
    return plan(
      spec,
      { text, values: [range.from, range.to, labels, spec.bounds] },
      range,
      shapeOnly(text, ['timestamptz', 'timestamptz', 'text[]', 'numeric[]']),
    );
  },

  delta(spec, start, end) {
    const range = periodsOf(start, end, spec.period);
    const groups = spec.groupBy ?? [];
    const sameGroup = groups.map((g) => `p.${quoteIdent(g)} IS NOT DISTINCT FROM c.${quoteIdent(g)}`);
    const columns = Object.keys(spec.measures).flatMap((n) => [
      `c.${quoteIdent(n)}`,
      `p.${quoteIdent(n)} AS ${quoteIdent(`${n}_previous`)}`,
      `c.${quoteIdent(n)} - p.${quoteIdent(n)} AS ${quoteIdent(`${n}_delta`)}`,
    ]);
    // the previous period is read too, so the first period of the window has its comparison
    const periods = periodSelect(spec, { period: spec.period, from: '$3', to: '$2' });
    const text = `SELECT c.period${groupColumns(spec, 'c')}, ${columns.join(', ')}
  FROM (${periods}) c
  LEFT JOIN (${periods}) p
    ON ${[`p.period = (c.period - interval '1 ${spec.period}')::date`, ...sameGroup].join(' AND ')}
  WHERE c.period >= $1::date`;
    return plan(
      spec,
      { text, values: [range.from, range.to, addPeriods(range.from, spec.period, -1)] },
      range,
      shapeOnly(text, ['date', 'timestamptz', 'timestamptz']),
    );
  },

  running_total(spec, start) {
    // every period from the window's first one on changes: recompute up to the end of the source
    const from = periodStart(start, spec.period);
    const groups = spec.groupBy ?? [];
    const names = Object.keys(spec.measures);
    const partition = groups.length ? `PARTITION BY ${columnList(groups, 'c')} ` : '';
    const sameGroup = groups.map((g) => `t.${quoteIdent(g)} IS NOT DISTINCT FROM c.${quoteIdent(g)}`);
    const target = tableIdent(spec.target);
    const running = (n: string) => quoteIdent(`${n}_running`);
    // the total before the window is the target's last stored total of the group
    const base = (n: string) =>
      `COALESCE((SELECT t.${running(n)} FROM ${target} t WHERE ${[...sameGroup, 't.period < $1::date'].join(' AND ')} ORDER BY t.period DESC LIMIT 1), 0)`;
    const periods = periodSelect(spec, { period: spec.period, from: '$1', to: null });
    const columns = (total: (n: string) => string) =>
      names.flatMap((n) => [`c.${quoteIdent(n)}`, `${total(n)} AS ${running(n)}`]).join(', ');
    const text = `SELECT c.period${groupColumns(spec, 'c')}, ${columns((n) => `(${base(n)} + sum(c.${quoteIdent(n)}) OVER (${partition}ORDER BY c.period))::numeric`)}
  FROM (${periods}) c`;
    const shape = `SELECT c.period${groupColumns(spec, 'c')}, ${columns(() => 'NULL::numeric')}
  FROM (${shapeOnly(periods, ['timestamptz'])}) c`;
    return plan(spec, { text, values: [from] }, { from, to: null }, shape);
  },
};

/** The statements of one incremental load of an aggregation for the window `[start, end)`. */
export function aggregationSql(spec: Aggregation, start: Date, end: Date): AggregationPlan {
  const builder = builders[spec.kind] as Builder<Aggregation['kind']> | undefined;
  if (!builder)
    throw new WarehouseError(`aggregation ${spec.target.table}: unknown kind ${JSON.stringify(spec.kind)}`);
  return builder(spec, start, end);
}
