import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TypeScript from 'typescript';

export interface TypecheckOutcome {
  /** False when the typescript package cannot be loaded: nothing was checked. */
  available: boolean;
  /** `projects/g/p/factory.ts:4:55: Type 'string' is not assignable to type 'number'.` */
  problems: string[];
}

/**
 * Typechecks the TypeScript files of the given project folders against dwh's own type declarations, when the
 * `typescript` package can be loaded (it is optional: projects run through tsx, which does not typecheck).
 */
export async function typecheckProjects(dirs: string[], home: string): Promise<TypecheckOutcome> {
  let ts: typeof TypeScript;
  try {
    const loaded = (await import('typescript')) as unknown as typeof TypeScript & {
      default?: typeof TypeScript;
    };
    ts = loaded.default ?? loaded;
  } catch {
    // optional dependency: the caller says that the typecheck was skipped
    return { available: false, problems: [] };
  }
  const files = dirs.flatMap((dir) => tsFiles(dir));
  if (!files.length) return { available: true, problems: [] };
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    esModuleInterop: true,
    types: [],
    paths: { dwh: [dwhTypes()] },
  });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      if (!d.file || d.start === undefined) return text;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${path.relative(home, d.file.fileName)}:${line + 1}:${character + 1}: ${text}`;
    });
  return { available: true, problems };
}

/** dwh's declarations: dist/index.d.ts next to this file's package, or src/index.ts when run from sources. */
function dwhTypes(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const built = path.resolve(here, '..', 'index.d.ts');
  return existsSync(built) ? built : path.resolve(here, '..', 'index.ts');
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'metadata') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(full));
    else if (/\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}
