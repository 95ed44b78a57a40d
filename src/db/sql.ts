/** One statement with `$1…` placeholders and its values: what every SQL builder of dwh returns. */
export interface Sql {
  text: string;
  values: unknown[];
}
