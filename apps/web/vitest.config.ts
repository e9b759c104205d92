import { defineConfig } from 'vitest/config';

// Unit tests of the pure pieces (no DOM, no React): `npm test -w @clapboard/web` runs them after
// the bundle budget check.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], environment: 'node' } });
