import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.js';

// Every example runs as a child process, some starting emulators: more room than the shared default.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 60_000 } }));
