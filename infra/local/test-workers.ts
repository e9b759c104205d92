import { availableParallelism } from 'node:os';

/**
 * How many test files a suite runs at once. Vitest's default is one less than the cores, which on
 * a 2-core machine (CI's) is one file at a time, leaving the machine ~40 % idle while files wait on
 * Postgres, Redis, FFmpeg, child processes and browsers. `perCore` is the files per core: above 1
 * for suites that mostly wait, 1 for suites whose files keep a core busy themselves. Measured on
 * 2 cores: the API suite 468 s → 162 s (3 files at once, modules shared), the whole-stack tests
 * 511 s → 388 s (2 at once). The worker suite went 334 s → 165 s at 2 at once but lost a fork once
 * in CI, so it runs one file at a time (its vitest.config.ts). `--maxWorkers=N` on the command line
 * still wins.
 */
export function testWorkers(perCore: number): number {
  return Math.max(2, Math.round(availableParallelism() * perCore));
}
