import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    coverage: {
      provider: 'v8',
      include: ['src/lib/**/*.ts'],
      reporter: ['text-summary'],
      thresholds: {lines: 80, statements: 80, functions: 80, branches: 70},
    },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // The suite starts real registries once (globalSetup) and spawns bin/run.js per case.
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration files share the registries; run files one at a time on a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
})
