import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/setup/fresh-build.ts', 'tests/setup/temp-dir.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
