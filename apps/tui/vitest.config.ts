import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
  },
});
