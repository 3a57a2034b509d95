// Test support: finds what must never leave the server — the secret key, a
// UserSig, a session id, a password — in responses and log lines, and stack traces in responses.

export type Leak = { where: string; what: string };

export type LeakScanInput = {
  /** Name → value of every secret known to the test (each is looked for verbatim). */
  secrets: Record<string, string>;
  responses: { where: string; headers: Record<string, unknown>; body: string }[];
  logs: string[];
};

/**
 * A UserSig is zlib (78 9c…) in Base64 — it starts with "eJ" — with Tencent's `* - _` substitution;
 * real ones are well over 100 characters. Random ids (UUIDs, hex nonces) never start so.
 */
const USERSIG_BLOB = /eJ[A-Za-z0-9*\-_+/=]{60,}/;
const USERSIG_QUERY = /usersig=/i;
const STACK_FRAME = / {4}at |\\n {4}at /;

function patternLeaks(text: string): string[] {
  const found: string[] = [];
  if (USERSIG_BLOB.test(text)) found.push('a UserSig');
  if (USERSIG_QUERY.test(text)) found.push('a usersig= query parameter');
  return found;
}

export function findLeaks(input: LeakScanInput): Leak[] {
  const leaks: Leak[] = [];
  const secrets = Object.entries(input.secrets).filter(([, value]) => value.length >= 6);
  const scan = (where: string, text: string, options: { stackTraces: boolean }) => {
    for (const [name, value] of secrets) if (text.includes(value)) leaks.push({ where, what: name });
    for (const what of patternLeaks(text)) leaks.push({ where, what });
    if (options.stackTraces && STACK_FRAME.test(text)) leaks.push({ where, what: 'a stack trace' });
  };
  for (const response of input.responses) {
    for (const [name, value] of Object.entries(response.headers)) {
      scan(`${response.where}, header ${name}`, Array.isArray(value) ? value.join('\n') : String(value), { stackTraces: true });
    }
    scan(`${response.where}, body`, response.body, { stackTraces: true });
  }
  input.logs.forEach((line, index) => scan(`log line ${index + 1}: ${line.slice(0, 160)}`, line, { stackTraces: false }));
  return leaks;
}
