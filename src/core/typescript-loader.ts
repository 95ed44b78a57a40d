import { statSync } from 'node:fs';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Project files are TypeScript, imported at run time with no build step through ONE loader registration per
 * process (made on the first import): tsx's ESM hooks plus the hooks below. Every project file of the process
 * therefore shares the dwh library the CLI itself runs — loaded once, not once per file, and its classes are
 * the CLI's, so `instanceof` holds between project code and dwh.
 *
 * - `dwh` and `dwh/…` resolve to the package this module belongs to, whatever copy the home's node_modules
 *   holds and whatever a tsconfig.json `paths` entry says (this repository maps `dwh` to src/ for the type
 *   checker).
 * - A `.ts` file outside node_modules is an ES module even in a package without `"type": "module"`: compiled
 *   to CommonJS instead, its `import … from 'dwh'` would become a require() of a second, CommonJS copy.
 */
/** Runs before tsx: `dwh` never reaches tsx's tsconfig `paths` or the home's node_modules. */
const libraryHooks = `
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
let library;
export function initialize(data) {
  library = createRequire(data.libraryFile);
}
export function resolve(specifier, context, nextResolve) {
  if (specifier === 'dwh' || specifier.startsWith('dwh/'))
    return { url: pathToFileURL(library.resolve(specifier)).href, shortCircuit: true };
  return nextResolve(specifier, context);
}
`;

/** Runs after tsx (as its next resolver): tells it a project's `.ts` file is an ES module. */
const formatHooks = `
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (!resolved.format && resolved.url.startsWith('file:') && !resolved.url.includes('/node_modules/') &&
      /\\.tsx?$/.test(new URL(resolved.url).pathname))
    return { ...resolved, format: 'module' };
  return resolved;
}
`;

const dataUrl = (source: string) => `data:text/javascript,${encodeURIComponent(source)}`;

type ScopedImport = (specifier: string, parentUrl: string) => Promise<unknown>;
let registration: Promise<ScopedImport> | null = null;

function registerOnce(): Promise<ScopedImport> {
  registration ??= (async () => {
    const { register: registerTsx } = await import('tsx/esm/api');
    // the hooks registered last run first: libraryHooks → tsx → formatHooks → Node
    register(dataUrl(formatHooks));
    // tsx in a namespace of its own: it compiles what project files import and leaves the rest of the
    // process (dwh's own modules) alone; its scoped import is a plain Node import, also under a test runner
    const tsx = registerTsx({ namespace: 'dwh-project' });
    register(dataUrl(libraryHooks), { data: { libraryFile: import.meta.url } });
    return tsx.import;
  })();
  return registration;
}

/**
 * Imports a TypeScript (or JavaScript) file of a project. `fresh` re-reads the file itself when it changed
 * since it was last imported (the modules it imports stay cached): for long-running processes like the
 * dashboard.
 */
export async function importProjectModule(file: string, options: { fresh?: boolean } = {}): Promise<unknown> {
  const scopedImport = await registerOnce();
  const url = pathToFileURL(file);
  if (options.fresh) url.search = `?mtime=${statSync(file).mtimeMs}`;
  return scopedImport(url.href, import.meta.url);
}
