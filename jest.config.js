// Two projects: fast unit tests with no network, and integration tests that run
// real servers on loopback (ActiveMQ, an S3-protocol server, HTTP sinks).
const fs = require('node:fs');
const path = require('node:path');

// Map every workspace package to its TypeScript sources so tests never need a build.
const moduleNameMapper = {};
for (const group of ['shared', 'services', 'tools', 'deploy']) {
  for (const name of fs.readdirSync(path.join(__dirname, group))) {
    const manifest = path.join(__dirname, group, name, 'package.json');
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')).name;
      moduleNameMapper[`^${pkg}$`] = `<rootDir>/${group}/${name}/src/index.ts`;
    }
  }
}

const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
};

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.*/cdk.out/'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{shared,services,tools,deploy}/*/test/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{shared,services,tools,deploy}/*/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/tools/testkit/test/global-setup.ts',
      globalTeardown: '<rootDir>/tools/testkit/test/global-teardown.ts',
      slowTestThreshold: 30,
    },
  ],
};
