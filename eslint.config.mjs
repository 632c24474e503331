// Lint: typed rules for promises, and the architecture rules (tools/testkit/test/unit/architecture-rules.test.ts
// shows each one refusing a violation).
import tseslint from 'typescript-eslint';

const ioModules = [
  'node:fs', 'fs', 'node:fs/promises', 'fs/promises', 'node:net', 'net', 'node:tls', 'tls',
  'node:http', 'http', 'node:https', 'https', 'node:child_process', 'child_process',
  'node:dgram', 'dgram', 'stompit', 'express', 'undici', 'ssh2', 'openpgp',
];

/** Top-level prefixes of the object keys the services write (shared/messages/src/catalogue.ts). */
const KEY_PREFIX = '(inbound|work|quarantine|archive|outbound|messages|control|claims|dedupe|deadletters|deadletters-replayed|audit)\\/';

/** no-restricted-syntax selectors, by rule. Flat config replaces a rule's options per file, so each file group lists all it gets. */
const SYNTAX = {
  keys: [
    { selector: `Literal[value=/^${KEY_PREFIX}/]`, message: 'Object keys come from the key catalogue (KEYS in @ediflow/messages).' },
    { selector: `TemplateLiteral[quasis.0.value.raw=/^${KEY_PREFIX}/]`, message: 'Object keys come from the key catalogue (KEYS in @ediflow/messages).' },
  ],
  storeErrors: [
    { selector: 'BinaryExpression > Literal[value=/^STORE_[A-Z_]+$/]', message: 'Match store errors by class (StoreNotFoundError, StoreConflictError, ... from @ediflow/store), not by code.' },
    { selector: 'BinaryExpression > Identifier[name=/^STORE_[A-Z_]+$/]', message: 'Match store errors by class (StoreNotFoundError, StoreConflictError, ... from @ediflow/store), not by code.' },
  ],
  backoff: [
    { selector: "BinaryExpression[operator='**'][left.value=2]", message: 'Exponential backoff: use fullJitterMs from @ediflow/bus (the one backoff).' },
  ],
  waitFor: [
    { selector: "FunctionDeclaration[id.name='waitFor']", message: 'Use waitFor from @ediflow/testkit (the one wait helper).' },
    { selector: "VariableDeclarator[id.name='waitFor']", message: 'Use waitFor from @ediflow/testkit (the one wait helper).' },
  ],
  bench: [
    { selector: 'ExportNamedDeclaration > FunctionDeclaration[id.name=/^measure[A-Z]/]', message: 'Benchmark code lives in tools/bench, not in a service.' },
  ],
  defaults: [
    { selector: 'VariableDeclarator[id.name=/^DEFAULT_[A-Z_]+$/] > ObjectExpression', message: 'A service\'s defaults come from its config schema (config.ts), not a second list.' },
  ],
};
const syntax = (...names) => ['error', ...names.flatMap((n) => SYNTAX[n])];
const EVERYWHERE = ['storeErrors', 'backoff', 'waitFor'];
const SOURCES = ['services/*/src/**/*.ts', 'shared/*/src/**/*.ts', 'tools/*/src/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/cdk.out/**', 'var/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': syntax(...EVERYWHERE),
    },
  },
  { files: SOURCES, rules: { 'no-restricted-syntax': syntax(...EVERYWHERE, 'keys') } },
  { files: ['services/*/src/**/*.ts'], ignores: ['services/*/src/config.ts'], rules: { 'no-restricted-syntax': syntax(...EVERYWHERE, 'keys', 'bench', 'defaults') } },
  // the places the rules point to
  { files: ['shared/messages/src/catalogue.ts'], rules: { 'no-restricted-syntax': syntax(...EVERYWHERE) } },
  { files: ['shared/bus/src/backoff.ts'], rules: { 'no-restricted-syntax': syntax('storeErrors', 'waitFor', 'keys') } },
  { files: ['tools/testkit/src/wait.ts'], rules: { 'no-restricted-syntax': syntax('storeErrors', 'backoff', 'keys') } },
  {
    files: ['**/test/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'describe', property: 'only', message: 'No focused tests.' },
        { object: 'it', property: 'only', message: 'No focused tests.' },
        { object: 'test', property: 'only', message: 'No focused tests.' },
        { object: 'describe', property: 'skip', message: 'No skipped tests.' },
        { object: 'it', property: 'skip', message: 'No skipped tests.' },
        { object: 'test', property: 'skip', message: 'No skipped tests.' },
      ],
      'no-restricted-globals': ['error', { name: 'fit', message: 'No focused tests.' }, { name: 'fdescribe', message: 'No focused tests.' }, { name: 'xit', message: 'No skipped tests.' }, { name: 'xdescribe', message: 'No skipped tests.' }],
    },
  },
  {
    // pure code: no I/O and no metrics client in any domain/, nor in the X12 and HIPAA engines
    files: ['services/*/src/domain/**/*.ts', 'shared/x12/src/**/*.ts', 'shared/hipaa/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...ioModules.map((name) => ({ name, message: 'Domain code is pure: do I/O in adapters/ or entry-points/.' })),
          { name: 'prom-client', message: 'Domain code counts through a metrics port; prom-client stays in adapters/.' },
        ],
        patterns: [{ group: ['@aws-sdk/*'], message: 'Domain code is pure: do I/O in adapters/.' }],
      }],
    },
  },
);
