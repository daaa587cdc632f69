#!/usr/bin/env node
// The `appconnect` command. Runs the compiled CLI from dist/ when it is built (published package),
// and the TypeScript sources through tsx in a source checkout.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else {
  console.error('appconnect: neither dist/cli/main.js nor src/cli/main.ts is present; run `npm run build`.');
  process.exit(1);
}
