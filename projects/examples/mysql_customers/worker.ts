/** Derived column of metadata/mapping.yaml (`fn: tierOf`): the tier from the lifetime spend. */
export function tierOf(row: Record<string, unknown>): string {
  const spend = Number(row.spend);
  return spend >= 900 ? 'gold' : spend >= 500 ? 'silver' : 'standard';
}
