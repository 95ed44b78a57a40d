import { derivedName } from './derived-name.js';
import { dateLiteral } from './sql-fragments.js';
import type { Sql } from '../db/sql.js';
import { tableIdent, type TableName } from '../db/table-name.js';
import { parseUtcDate } from '../core/dates.js';

export type PartitionGrain = 'month' | 'day';

/** The first day (`YYYY-MM-DD`, UTC) of the bucket after `day`. */
function nextBucket(day: string, grain: PartitionGrain): string {
  const date = parseUtcDate(day);
  if (grain === 'month') date.setUTCMonth(date.getUTCMonth() + 1, 1);
  else date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** The bucket `date` falls in, as its first day. */
function bucketOf(date: Date, grain: PartitionGrain): string {
  const day = date.toISOString().slice(0, 10);
  return grain === 'month' ? `${day.slice(0, 7)}-01` : day;
}

/** `fact_sales_2026_01` (month) or `fact_sales_2026_01_31` (day); shortened with a hash past 63 bytes. */
export function partitionName(table: string, bucket: string, grain: PartitionGrain): string {
  const parts = bucket.split('-');
  return derivedName(table, (grain === 'month' ? parts.slice(0, 2) : parts).join('_'));
}

/**
 * Partition bounds are literals (DDL takes no parameters); for a timestamptz column they are written with
 * an explicit UTC offset so the session time zone cannot move them.
 */
function boundLiteral(day: string, columnType: string): string {
  return columnType.startsWith('timestamp with time zone')
    ? `${dateLiteral(day).slice(0, -1)} 00:00:00+00'`
    : dateLiteral(day);
}

/** `CREATE TABLE IF NOT EXISTS <partition> PARTITION OF <parent> FOR VALUES FROM (…) TO (…)`. */
export function createPartitionSql(
  parent: TableName,
  bucket: string,
  grain: PartitionGrain,
  columnType: string,
): Sql {
  const name = partitionName(parent.table, bucket, grain);
  const partition = tableIdent({ ...parent, table: name });
  return {
    text: `CREATE TABLE IF NOT EXISTS ${partition} PARTITION OF ${tableIdent(parent)}
  FOR VALUES FROM (${boundLiteral(bucket, columnType)}) TO (${boundLiteral(nextBucket(bucket, grain), columnType)})`,
    values: [],
  };
}

/** Buckets lying completely inside `[start, end)`: their partitions can be truncated instead of deleted from. */
export function bucketsInside(start: Date, end: Date, grain: PartitionGrain): string[] {
  const buckets: string[] = [];
  let bucket = bucketOf(start, grain);
  if (parseUtcDate(bucket).getTime() < start.getTime()) bucket = nextBucket(bucket, grain);
  while (parseUtcDate(nextBucket(bucket, grain)).getTime() <= end.getTime()) {
    buckets.push(bucket);
    bucket = nextBucket(bucket, grain);
  }
  return buckets;
}
