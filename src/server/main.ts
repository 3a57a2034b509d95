import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app';
import { ensureSpaBuilt } from './spa-build';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

const host = process.env.MARKDESK_HOST ?? '127.0.0.1';
const port = Number(process.env.MARKDESK_PORT ?? 8080);

await ensureSpaBuilt(root, (line) => console.log(line));
const app = await buildApp({ spaDir: join(root, 'dist/client'), mode: 'sandbox', version });
const address = await app.listen({ host, port });
console.log(`Markdesk is running at ${address}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
