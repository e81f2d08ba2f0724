/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // ignoreDynamic keeps `await import()` as is, so ESM-only packages load (node --experimental-vm-modules).
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs', ignoreDynamic: true } }],
  },
  testTimeout: 120_000,
  setupFiles: ['<rootDir>/test/setup-runtime.ts'],
};
