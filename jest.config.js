/** Unit tests sit beside the code (*.spec.ts); integration and end-to-end tests in test/. */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': '<rootDir>/test/jest/transform.js' },
  // content-disposition 2 (under @fastify/static) is ES modules only, wherever it is nested.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|@as-integrations|content-disposition)/)(?!.*/node_modules/content-disposition/)',
  ],
  moduleNameMapper: {
    '^@yg/([a-z-]+)$': '<rootDir>/libs/$1/src',
    '^@yg/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      globalSetup: '<rootDir>/test/jest/global-setup.ts',
      globalTeardown: '<rootDir>/test/jest/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/jest/setup.ts'],
    },
  ],
};
