import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: 'jsdom',
      globals: true,
      setupFiles: ['./src/test/setup.ts'],
      include: ['src/**/*.test.{ts,tsx}'],
      css: false,
      restoreMocks: true,
      unstubGlobals: true,
      // A new machine transforms Mantine on first import: the first form test of a file can
      // take seconds there. The default 5 s failed CI on a cold clone, never on a warm one.
      testTimeout: 30_000,
    },
  }),
);
