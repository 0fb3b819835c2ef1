import { defineConfig } from 'vitest/config';

/**
 * Settings every package's tests share. CI runs all packages at once on a
 * 2-core machine, where key generation and child processes can take several
 * times longer than on an idle one: the timeouts leave room for that, so a
 * slow machine is not mistaken for a failure (none of the tests measures speed).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
