import { defineConfig } from 'vitest/config';

// These tests run the built binary in child processes; give them room on a loaded 2-core machine.
export default defineConfig({ test: { testTimeout: 30_000, hookTimeout: 30_000 } });
