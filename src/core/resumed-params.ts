import path from 'node:path';
import { isMasked, isSecretKey } from '../logging/redact.js';
import { ConfigError } from './errors.js';
import { jsonProblem } from './json-value.js';
import { checkParamNames, type ParamsSchema } from './run-params.js';

/**
 * The run parameters of a resumed run (`dwh run --resume`): the values the resumed run recorded in
 * etl_runs.parameters.params — already parsed then, so not parsed again (a `z.stringbool()` would refuse its
 * own output) — with each `--param` override parsed by its field of the schema. A recorded value that was
 * masked (a secret) cannot be reused: its default applies, else it must be given again. A parameter the schema
 * gained since gets its default; one it lost is dropped. Rules across fields (`.refine` on the object) see
 * only the overrides' fields.
 */
export function resumedRunParams(
  project: { ref: { dir: string }; parameters: { params?: ParamsSchema | undefined } },
  recorded: unknown,
  overrides: Readonly<Record<string, unknown>> | undefined,
  home: string,
  runId: number,
): { params: Record<string, unknown>; notes: string[] } {
  const file = path.relative(home, path.join(project.ref.dir, 'parameters.ts'));
  const schema = project.parameters.params;
  const given = overrides ?? {};
  checkParamNames(schema, given, file);
  if (!schema) return { params: {}, notes: [] };
  const old = typeof recorded === 'object' && recorded !== null ? (recorded as Record<string, unknown>) : {};
  const params: Record<string, unknown> = {};
  const notes: string[] = [];
  for (const [key, field] of Object.entries(schema.shape)) {
    if (key in given) {
      params[key] = parsedField(field, key, given[key], file);
      continue;
    }
    const masked = key in old && isMasked(old[key]);
    if (key in old && !masked) {
      params[key] = old[key];
      continue;
    }
    const fallback = field.safeParse(undefined);
    if (!fallback.success)
      throw new ConfigError(
        file,
        `params.${key}`,
        masked ? '***' : undefined,
        masked
          ? `run ${runId} recorded it masked, so it cannot be reused; give it again with --param ${key}=…`
          : `run ${runId} recorded no value and it has no default; give it with --param ${key}=…`,
      );
    if (fallback.data !== undefined) params[key] = fallback.data;
    if (masked) notes.push(`params.${key} is masked in the record of run ${runId}: its default is used`);
  }
  return { params, notes };
}

function parsedField(
  field: ParamsSchema['shape'][string],
  key: string,
  value: unknown,
  file: string,
): unknown {
  const parsed = field.safeParse(value);
  // the value of a secret-looking parameter is not repeated on the console
  const shown = isSecretKey(key) ? '***' : value;
  if (!parsed.success)
    throw new ConfigError(file, `params.${key}`, shown, parsed.error.issues[0]?.message ?? 'invalid');
  const problem = jsonProblem(parsed.data);
  if (problem) throw new ConfigError(file, `params.${key}`, shown, `the parsed value ${problem}`);
  return parsed.data;
}
