// The import boundaries of the layout (README, "Architecture"), checked by `npm run lint`:
//   1. nothing under processors/ imports dev/ or test/ (tests beside the code may use dev/'s
//      generators, never test/); the CLI reaches dev/ only through processors/cli/dev-tools.ts,
//      a dynamic import of a path computed at run time, which is no import to these rules;
//   2. a processor folder (gmc-fetch, doctors-sync, connections, es-sink) never imports
//      another's internals, only its published topic contract (PUBLISHED); what they share
//      otherwise belongs in processors/platform, rules or streams;
//   3. processors/cli imports a processor folder's entry files only (ENTRY_FILES);
//   4. shared layers (platform, rules, streams) import no processor folder and not the CLI;
//   5. schemas/catalog.ts, which processors/platform/registry.ts reads, imports nothing from
//      processors/, so the arrow between the two runs one way;
//   6. no import cycles (import-x/no-cycle; `import type` is no cycle, it is gone at run time).
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const PROCESSORS = ['gmc-fetch', 'doctors-sync', 'connections', 'es-sink'];
const SHARED = ['platform', 'rules', 'streams'];

/**
 * What processors/cli may import from each processor folder: runtime.ts and processor.ts
 * (`reval run` finds them by convention), plus what the commands need today.
 */
const ENTRY_FILES = {
  'gmc-fetch': [
    'runtime.ts',
    'processor.ts',
    'sync.ts', // reval gmc-sync: runGmcSync, runOptionsFromConfig
    'fetch-all.ts', // reval gmc-fetch
    'compare.ts', // reval gmc-sync --dry-run
    'report.ts', // both: the run report
    'progress-bar.ts', // both
  ],
  'doctors-sync': ['runtime.ts', 'processor.ts'],
  connections: [
    'runtime.ts',
    'processor.ts',
    'topology.ts', // views-caught-up: the topology's consumer groups
    'recompute.ts', // reval rebuild --recompute
    'sources/changes.ts', // reval connectors: the CDC source names
    'explain.ts', // reval explain: the changelog, dead-letter and history reads, the answer's shape
  ],
  'es-sink': [
    'runtime.ts',
    'processor.ts',
    'rebuild.ts', // reval rebuild
    'progress-bar.ts', // reval rebuild
    'bootstrap.ts', // errors.ts: ViewNameTakenError
    'view-sets.ts', // views-caught-up, the demo: the view names of the environment
  ],
};

/**
 * A processor's published contract: the value type and codec of the topic it writes, which
 * its readers use instead of decoding the topic their own way. Everything else in a
 * processor folder is its own.
 */
const PUBLISHED = {
  'gmc-fetch': ['gmc-doctors.ts'], // gmc.doctors: read by doctors-sync and connections
  'doctors-sync': [],
  connections: ['connection-record.ts'], // reval.connections: read by es-sink
  'es-sink': [],
};

const TESTS = ['**/*.test.ts'];

const noDevOrTest = [
  {
    target: './processors',
    from: './test',
    message: 'processors/ is the product: test code stays in test/.',
  },
];
const noDev = [
  {
    target: './processors',
    from: './dev',
    message:
      'processors/ is the product: development tooling in dev/ is reached only through processors/cli/dev-tools.ts.',
  },
];
const betweenProcessors = PROCESSORS.flatMap((target) =>
  PROCESSORS.filter((from) => from !== target).map((from) => ({
    target: `./processors/${target}`,
    from: `./processors/${from}`,
    except: PUBLISHED[from].map((file) => `./${file}`),
    message: `a processor does not import another's internals (only its published topic contract, eslint.boundaries.mjs PUBLISHED): move what ${target} and ${from} share to processors/platform, rules or streams.`,
  })),
);
const cliToProcessors = PROCESSORS.map((from) => ({
  target: './processors/cli',
  from: `./processors/${from}`,
  except: ENTRY_FILES[from].map((file) => `./${file}`),
  message: `the CLI imports a processor's entry files only (eslint.boundaries.mjs ENTRY_FILES: ${ENTRY_FILES[from].join(', ')}).`,
}));
const sharedLayers = SHARED.map((target) => ({
  target: `./processors/${target}`,
  from: [...PROCESSORS, 'cli'].map((from) => `./processors/${from}`),
  message: 'the shared layers (platform, rules, streams) sit below the processors and the CLI.',
}));
const catalogue = [
  {
    target: './schemas/catalog.ts',
    from: './processors',
    message: 'processors/platform/registry.ts reads the schema catalogue: it imports nothing back.',
  },
];

const zones = [...betweenProcessors, ...cliToProcessors, ...sharedLayers, ...catalogue];
const restrict = (level, list) => ['import-x/no-restricted-paths', [level, { zones: list }]];

export default [
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['**/*.ts'],
    ignores: TESTS,
    rules: Object.fromEntries([restrict('error', [...noDevOrTest, ...noDev, ...zones])]),
  },
  {
    files: TESTS,
    rules: Object.fromEntries([restrict('error', [...noDevOrTest, ...zones])]),
  },
];
