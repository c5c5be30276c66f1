// jose 6 is published as an ES module only. The handlers are bundled by esbuild (which resolves
// it either way) and Node.js >= 20.19 loads it with require(); TypeScript's CommonJS output needs
// the type-only import below to say so.
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

export type JWK = Jose.JWK;

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const jose: typeof Jose = require('jose');
