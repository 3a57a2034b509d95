// Test support, for child processes of tests: `node --import tsx --import ./no-spa-build.mjs …`.
// Replaces the `vite` module with one whose build() does nothing, so a test can start main.ts
// without building the SPA (main.ts builds it when dist/client is missing or stale).
import { register } from 'node:module';

const hooks = `
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'vite') {
    return { url: 'data:text/javascript,export async function build() {}', shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
`;

register(`data:text/javascript,${encodeURIComponent(hooks)}`);
