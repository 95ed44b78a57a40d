import { z } from 'zod';
import {
  problemFromError,
  zodProblems,
  type OptionCheckContext,
  type OptionProblem,
} from '../core/option-check.js';
import { loadMapping, type Mapping } from '../transform/mapping.js';
import { parseConnectorsConfig } from './config.js';

const tableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, 'must be `table` or `schema.table`');

/** The options of extractLoad; strict, so `targt:` is an unknown key instead of an ignored one. */
const extractLoadOptionsSchema = z
  .object({
    source: z.string().min(1),
    query: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    request: z.record(z.string(), z.unknown()).optional(),
    target: tableName,
    mode: z.enum(['append', 'truncate', 'delete-window']).optional(),
    windowColumn: z.string().min(1).optional(),
    columns: z.array(z.string().min(1)).min(1).optional(),
    mapping: z
      .union([
        z.string().min(1),
        z.looseObject({ name: z.string(), columns: z.record(z.string(), z.unknown()) }),
      ])
      .optional(),
    functions: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((options, ctx) => {
    if (options.query === undefined && options.path === undefined && options.request === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give query, path or request' });
    }
    if (options.mode === 'delete-window' && !options.windowColumn) {
      ctx.addIssue({
        code: 'custom',
        path: ['windowColumn'],
        message: "mode 'delete-window' needs windowColumn",
      });
    }
  });

/** Checks extractLoad's bound options, the connector they name and the mapping they name. */
export function checkExtractLoadOptions(
  args: readonly unknown[],
  context: OptionCheckContext,
): OptionProblem[] {
  const options = args[0];
  const parsed = extractLoadOptionsSchema.safeParse(options);
  if (!parsed.success) {
    return zodProblems(parsed.error.issues, options, Object.keys(extractLoadOptionsSchema.shape));
  }
  const problems: OptionProblem[] = [];
  try {
    const connectors = parseConnectorsConfig(context.connectors, context.configFile, context.environment);
    if (!(parsed.data.source in connectors)) {
      const known = Object.keys(connectors).join(', ') || '(none)';
      problems.push({
        key: 'source',
        value: parsed.data.source,
        problem: `unknown connector; ${context.configFile} environments.${context.environment}.connectors has: ${known}`,
      });
    }
  } catch (error) {
    problems.push(problemFromError(error, 'source', parsed.data.source));
  }
  const mapping = parsed.data.mapping;
  if (typeof mapping === 'string') {
    try {
      const loaded = loadMapping(context.projectDir, mapping);
      problems.push(...missingFunctions(loaded, parsed.data.functions));
    } catch (error) {
      problems.push(problemFromError(error, 'mapping', mapping));
    }
  } else if (mapping) {
    problems.push(...missingFunctions(mapping as Mapping, parsed.data.functions));
  }
  return problems;
}

/** Every `fn:` of a mapping must be one of the functions passed. */
function missingFunctions(mapping: Mapping, functions: Record<string, unknown> | undefined): OptionProblem[] {
  const named = [
    ...Object.values(mapping.columns ?? {}).map((c) => (typeof c === 'object' ? c.fn : undefined)),
    ...(mapping.filter ?? []).map((f) => ('fn' in f ? f.fn : undefined)),
  ].filter((fn): fn is string => typeof fn === 'string');
  return [...new Set(named)]
    .filter((fn) => typeof functions?.[fn] !== 'function')
    .map((fn) => ({
      key: 'functions',
      value: fn,
      problem: `mapping '${mapping.name}' calls fn '${fn}', which is not among the functions passed`,
    }));
}
