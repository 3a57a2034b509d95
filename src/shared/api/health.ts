// Liveness and readiness (GET /api/health, GET /api/ready; docs/http-api.md, Endpoints).
import { z } from 'zod/mini';

export const serverModeSchema = z.enum(['sandbox', 'live']);
export type ServerMode = z.infer<typeof serverModeSchema>;

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  mode: serverModeSchema,
  version: z.string(),
  // For the top bar's "Live · {SDKAppID} · {region}". Neither is a secret; both
  // are null when unknown (e.g. region in sandbox mode, where the emulator is the upstream).
  chat: z.object({
    sdkAppId: z.nullable(z.int().check(z.positive())),
    region: z.nullable(z.string()),
  }),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** Why Markdesk is not ready: each has a sentence for everyone and a hint for admins in the SPA. */
export const readinessProblemSchema = z.enum(['database', 'chat-unreachable', 'chat-credentials']);
export type ReadinessProblem = z.infer<typeof readinessProblemSchema>;

// 200 when ready, 503 when not. The body says which dependency failed and why in one sentence,
// without any detail that could leak configuration (no address, no key, no SDKAppID).
export const readyResponseSchema = z.object({
  ready: z.boolean(),
  checks: z.object({ database: z.boolean(), upstream: z.boolean() }),
  /** Which database this instance uses: SQLite in its data directory, or PostgreSQL shared with other instances. */
  database: z.enum(['sqlite', 'postgres']),
  /** null while ready. */
  problem: z.nullable(readinessProblemSchema),
  /** The problem in one English sentence (for probes and logs); null while ready. */
  reason: z.nullable(z.string()),
  /** ISO time of the last background check. */
  checkedAt: z.string(),
});
export type ReadyResponse = z.infer<typeof readyResponseSchema>;
