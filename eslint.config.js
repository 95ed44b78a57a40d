import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * The layer map of shared DESIGN.md ("Layers", arrows point down only): each folder of src/ and the folders it
 * may import. Anything not listed for a folder is an upward (or sideways) import and fails the lint. The
 * entry points src/index.ts ('dwh') and src/ops.ts ('dwh/ops') may import every layer.
 */
const libraries = ['connectors', 'transform', 'warehouse', 'quality', 'notify', 'deploy'];
const below = (...layers) => [...layers];
const ground = below('audit', 'db', 'present', 'logging', 'core');
export const layers = {
  cli: below('run', 'monitor', 'sensors', ...libraries, ...ground),
  run: below('sensors', ...libraries, ...ground),
  // sensors wait for connectors' files and databases, the warehouse and other projects' runs (audit)
  sensors: below('connectors', ...ground),
  monitor: below('quality', 'deploy', ...ground),
  connectors: below('transform', ...ground),
  transform: ground,
  warehouse: ground,
  quality: ground,
  notify: ground,
  deploy: ground,
  audit: below('db', 'present', 'logging', 'core'),
  db: below('present', 'logging', 'core'),
  present: below('core'),
  logging: below(),
  core: below('logging'),
};

const layerZones = Object.entries(layers).map(([layer, allowed]) => ({
  target: `./src/${layer}`,
  from: [
    './src/index.ts',
    './src/ops.ts',
    ...Object.keys(layers)
      .filter((other) => other !== layer && !allowed.includes(other))
      .map((other) => `./src/${other}`),
  ],
  message: `src/${layer} may import only ${allowed.length ? allowed.map((l) => `src/${l}`).join(', ') : 'itself'} (layer map in README "Development")`,
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'metadata/**',
      'node_modules/**',
      'coverage/**',
      'test-artifacts/**',
      // a fixture with a deliberate type error, for `dwh validate`
      'tests/fixtures/home/projects/errors/err_type_error/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  { files: ['eslint.config.js'], extends: [tseslint.configs.disableTypeChecked] },
);
