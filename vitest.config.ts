import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One PostgreSQL cluster for the whole run; each test file makes its own database in it.
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["src/**/*.test.ts"] },
      },
      {
        extends: true,
        test: { name: "integration", include: ["test/**/*.test.ts"] },
      },
    ],
  },
});
