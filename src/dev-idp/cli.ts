// `npm run dev-idp -- [--port P] [--host H] [--markdesk-origin URL] [--client-secret S]`: the
// rehearsal identity provider. Prints its demo staff with their passwords and the variables that
// point Markdesk at it.
import { startDevIdp } from './provider';

const USAGE = 'Usage: npm run dev-idp -- [--port 9400] [--host 127.0.0.1] [--markdesk-origin http://127.0.0.1:8080] [--client-secret SECRET]';

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index >= 0) return args[index + 1];
  return args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}

const args = process.argv.slice(2);
if (args.includes('--help')) {
  console.log(USAGE);
  process.exit(0);
}
const portText = option(args, '--port') ?? '9400';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535.\n${USAGE}`);
  process.exit(2);
}
const host = option(args, '--host');
const markdeskOrigin = option(args, '--markdesk-origin');
const clientSecret = option(args, '--client-secret');
const idp = await startDevIdp({ port, ...(host ? { host } : {}), ...(markdeskOrigin ? { markdeskOrigin } : {}), ...(clientSecret ? { clientSecret } : {}) });

console.log(`Dev identity provider (for rehearsal only) is running at ${idp.issuer}\n`);
console.log('Demo staff (username / password / groups):');
for (const account of idp.accounts.values()) {
  console.log(`  ${account.username.padEnd(13)} ${account.password}  ${account.groups ? account.groups.join(', ') : '(no groups claim)'}`);
}
console.log('\nStart Markdesk with these variables (or put them in .env):');
for (const [name, value] of Object.entries(idp.env())) console.log(`${name}=${value}`);
console.log('');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void idp.close().then(() => process.exit(0));
  });
}
