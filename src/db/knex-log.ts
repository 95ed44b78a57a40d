/**
 * knex's logger. knex prints a connection failure with the driver's stack trace (`Acquire connection error:
 * … at parseErrorMessage`) and then rejects the query with the same error, which dwh reports once, cleanly.
 * Those two warnings are dropped for that reason; every other warning is printed as knex would.
 */
export const knexLog = {
  warn(message: unknown): void {
    const text = String(message);
    if (/^(Acquire connection error|Connection Error): /.test(text)) return;
    process.emitWarning(`knex: ${text}`);
  },
};
