/**
 * The layer walls of Lobby, checked by `npm run lint:deps` (dependency-cruiser) in CI.
 * One rule per wall; each says why the wall is there. See README "Layout".
 *
 *   bin/, local/, bench/, test/  ->  anything (they compose and exercise the system)
 *   lib/ (CDK)                   ->  functions/ shell tables (routes, capabilities), iot/policy, iot/protocol; never domain logic
 *   functions/handlers           ->  http shell, iot shell, domain, adapters (a handler is a composition root)
 *   functions/http, functions/iot (shells) -> domain, adapters, schemas
 *   functions/adapters           ->  domain (the ports it implements), schemas; never the shells
 *   functions/domain             ->  itself, shared, schemas, iot/protocol; nothing of the shells or of adapters
 *   functions/shared             ->  nothing of ours (constants CDK and Lambda code share)
 *   iot/protocol                 ->  nothing under functions/ (panels and cloud share it)
 *   iot/panel                    ->  iot/protocol, iot/policy; never the cloud or the local stack
 *
 * .dependency-cruiser-known-violations.json is empty: no wall has exceptions (the domain reaches
 * the table only through its repository ports, functions/domain/repositories.ts). Keep it empty:
 * fix a new violation rather than baselining it. `npx depcruise bin lib functions iot local test bench`
 * shows everything.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-not-to-shells',
      comment:
        'The domain is plain functions taking their stores: it must not know it runs behind HTTP, an IoT rule or a ' +
        'stream. It throws DomainError (functions/domain/errors.ts); the shells map it (functions/http/problem.ts).',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: { path: '^functions/(http|handlers|iot)/' },
    },
    {
      name: 'domain-not-to-adapters',
      comment:
        'The domain owns its port interfaces (functions/domain/*); adapters implement them and the composition roots ' +
        '(handlers, local/, test/) pass them in. Not even type imports: a type from an adapter drags its shape ' +
        '(table keys, SDK types) into the domain.',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: { path: '^functions/adapters/' },
    },
    {
      name: 'adapters-not-to-shells',
      comment: 'Adapters talk to AWS for the domain; the HTTP/IoT shells and the handlers sit above them, never below.',
      severity: 'error',
      from: { path: '^functions/adapters/' },
      to: { path: '^functions/(http|handlers|iot)/' },
    },
    {
      name: 'shells-not-to-handlers',
      comment: 'The HTTP and IoT-rule shells are shared by every handler; a shell importing a handler bundles it everywhere.',
      severity: 'error',
      from: { path: '^functions/(http|iot|schemas)/' },
      to: { path: '^functions/handlers/' },
    },
    {
      name: 'lambda-code-not-to-local-or-tests',
      comment:
        'Everything under functions/ is bundled into Lambda functions. The local stack (local/, with its certificate ' +
        'authority in iot/local-core/), tests and benchmarks must never ship to production: local/ injects its ' +
        'local adapters at its own composition root instead.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(local|iot/local-core|test|bench|bin)/' },
    },
    {
      name: 'shared-constants-stand-alone',
      comment:
        'functions/shared holds constants that Lambda code and the CDK app both read (e.g. CREDENTIAL_TYPES); it ' +
        'imports nothing of ours, so reading a constant never loads domain, adapter or shell code.',
      severity: 'error',
      from: { path: '^functions/shared/' },
      to: { path: '^(functions/(?!shared/)|lib/|local/|iot/)' },
    },
    {
      name: 'protocol-stands-alone',
      comment:
        'iot/protocol is the contract between panels and the cloud; a panel vendor builds against it alone. It imports ' +
        'nothing under functions/ (the cloud imports it, not the other way round).',
      severity: 'error',
      from: { path: '^iot/protocol/' },
      to: { path: '^(functions|local|lib|iot/panel|iot/local-core)/' },
    },
    {
      name: 'panel-agent-not-to-cloud',
      comment: 'The reference panel agent runs on a door panel: it speaks the protocol only, never cloud or local-stack code.',
      severity: 'error',
      from: { path: '^iot/panel/' },
      to: { path: '^(functions|local|lib|iot/local-core)/' },
    },
    {
      name: 'cdk-not-to-domain',
      comment:
        'CDK code (lib/, bin/app) describes infrastructure: it may read shared constants and tables (routes, ' +
        'capabilities, topics, table definitions) from neutral modules, never domain logic (it would synthesize ' +
        'whatever the domain happens to compute).',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^functions/(domain|handlers|adapters/(?!table-definitions))' },
    },
    {
      name: 'cdk-reads-only-tables',
      comment:
        'lib/ reaches into functions/ only for the tables and constants both sides share (routes, capabilities, ' +
        'handler files, topic rules, table definitions, functions/shared, the OpenAPI document built at synth). ' +
        'Loading Lambda runtime code at synth (loggers, SDK clients, the HTTP shell) is how domain logic creeps in.',
      severity: 'error',
      from: { path: '^lib/' },
      to: {
        path: '^functions/',
        pathNot: [
          '^functions/shared/',
          '^functions/capabilities[.]ts$',
          '^functions/http/(routes|handler-files|caller|openapi)[.]ts$',
          '^functions/iot/rules[.]ts$',
          '^functions/adapters/table-definitions[.]ts$',
          '^functions/schemas/', // what the OpenAPI document and the routes are built from
        ],
      },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes load order matter and splits nothing: move the shared part into a module both import.',
      severity: 'error',
      from: {},
      // A type-only import back to the interface a lazily loaded adapter implements is erased at build time.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports is dead code (entry points, configs and tests excepted).',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          '(^|/)[.][^/]+[.](c|m)?js$', // dot files (configs)
          '[.]d[.]ts$',
          '(^|/)(vitest|vite)[.]config[.]ts$',
          '^functions/handlers/', // Lambda entries (found through functions/http/handler-files.ts)
          '^(bin|bench|test|local)/',
        ],
      },
      to: {},
    },
    {
      name: 'domain-not-to-aws-sdk',
      comment:
        'AWS is reached through adapters: a domain module importing an SDK client ties the rules to one service and ' +
        'loads the client in every function that reaches that module.',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: { path: 'node_modules/@aws-sdk/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve fails at run time (or in the bundle) only.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dep',
      comment: 'Lambda and panel code must not import devDependencies: they are not installed where it runs.',
      severity: 'error',
      from: { path: '^(functions|iot/protocol|iot/panel)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules is not followed but not excluded either: excluding it would hide every npm dependency from the rules.
    exclude: { path: '^(cdk[.]out|[.]lobby|[.]lobby-test|[.]emulators)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
