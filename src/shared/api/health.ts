// Liveness and readiness (bff-api §4 /api/health, /api/ready).
import { z } from 'zod';

export const serverModeSchema = z.enum(['sandbox', 'live']);
export type ServerMode = z.infer<typeof serverModeSchema>;

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  mode: serverModeSchema,
  version: z.string(),
  // Beyond the spec, for the top bar's "Live · {SDKAppID} · {region}". Neither is a secret; both
  // are null when unknown (e.g. region in sandbox mode, where the emulator is the upstream).
  chat: z.object({
    sdkAppId: z.int().positive().nullable(),
    region: z.string().nullable(),
  }),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

// The spec only fixes the status codes (200 / 503); this body says which dependency failed,
// without any detail that could leak configuration.
export const readyResponseSchema = z.object({
  ready: z.boolean(),
  checks: z.object({ database: z.boolean(), upstream: z.boolean() }),
});
export type ReadyResponse = z.infer<typeof readyResponseSchema>;
