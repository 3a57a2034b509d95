// `npm run bench`: every figure is a ratio or a difference measured side by side in this run.
import { join } from 'node:path';
import { ensureSpaBuilt } from '../server/spa-build';
import { initialJavaScriptGzipBytes } from './bundle-size';
import { measureLatencyOverhead } from './latency';
import { ms } from './stats';

const root = join(import.meta.dirname, '../..');
const lines: string[] = [];
const report = (line: string) => {
  lines.push(line);
  console.log(line);
};

report(`Markdesk benchmarks — ${new Date().toISOString()} — node ${process.version}`);

const latency = await measureLatencyOverhead();
report(
  `latency added by the BFF on POST …/marks (1 item), ${latency.requests} requests at ${latency.ratePerSecond} req/s, upstream ${latency.upstreamLatencyMs} ms:` +
    ` p50 ${ms(latency.bff.p50 - latency.direct.p50)} (BFF ${ms(latency.bff.p50)} vs direct ${ms(latency.direct.p50)}),` +
    ` p99 ${ms(latency.bff.p99 - latency.direct.p99)} (BFF ${ms(latency.bff.p99)} vs direct ${ms(latency.direct.p99)})`,
);

await ensureSpaBuilt(root, () => {});
const bundle = initialJavaScriptGzipBytes(join(root, 'dist/client'));
report(`initial SPA JavaScript: ${(bundle.bytes / 1024).toFixed(1)} KB gzip (goal ≤ 200 KB: ${(bundle.bytes / 1024 / 200).toFixed(2)} of the budget) in ${bundle.files.length} file(s)`);
