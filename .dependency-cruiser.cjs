/**
 * Which folder may import what (STYLE.md "Folders say what may talk to what"), checked by
 * `npm run lint:deps` and in `npm test`. Known debt is named in the rule it bends.
 */
module.exports = {
  forbidden: [
    {
      name: 'shared-is-pure',
      comment: 'src/shared runs anywhere: it imports nothing of ours outside shared, no Node built-ins, no electron',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { pathNot: '^src/shared/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shared-no-node',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-only-shared',
      comment: 'the engine imports only itself and shared',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(main|preload|server|cli|renderer)/' },
    },
    {
      name: 'no-electron-outside-shells',
      comment: 'only the Electron shell (main, preload) imports electron',
      severity: 'error',
      from: { pathNot: '^src/(main|preload)/' },
      to: { path: '^electron$|node_modules/electron/' },
    },
    {
      name: 'ingest-is-pure',
      comment: 'parsing is pure: core/ingest imports neither the index nor the sources',
      severity: 'error',
      from: { path: '^src/core/(ingest|semantics)/' },
      to: { path: '^src/core/(index|sources)/|better-sqlite3|chokidar|^fs$|^node:fs' },
    },
    {
      name: 'sql-in-index-only',
      comment: 'better-sqlite3 is used by core/index (our index) and core/sources/stores (run databases, read-only) only',
      severity: 'error',
      from: { pathNot: '^src/core/(index|sources/stores)/' },
      to: { path: 'better-sqlite3' },
    },
    {
      name: 'chokidar-in-sources-only',
      severity: 'error',
      from: { pathNot: '^src/core/sources/' },
      to: { path: 'chokidar' },
    },
    {
      name: 'renderer-talks-to-contract',
      comment: 'the renderer imports shared only: never core, shells, Node built-ins or electron',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: '^src/(core|main|preload|server|cli)/' },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'preload-contract-only',
      comment: 'the preload exposes the contract: it imports shared/contract and shared/rpc only',
      severity: 'error',
      from: { path: '^src/preload/' },
      to: { path: '^src/(?!shared/(contract|rpc)/)' },
    },
    {
      name: 'shells-independent',
      comment:
        'main and server import core and shared, not each other. Known debt: main serves the built renderer over app:// with the web shell\'s static-file resolver.',
      severity: 'error',
      from: { path: '^src/main/' },
      to: { path: '^src/server/', pathNot: '^src/server/static-files\\.ts$' },
    },
    {
      name: 'shells-not-renderer',
      severity: 'error',
      from: { path: '^src/(main|server|cli)/' },
      to: { path: '^src/(renderer|preload)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
