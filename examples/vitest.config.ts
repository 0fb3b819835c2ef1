import { defineConfig } from 'vitest/config';

// Every example runs as a child process (and some start emulators); a loaded 2-core machine needs room.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
