import { chatBaseUrl, type ChatRegion } from './chat/regions';
import type { Config } from './config';

/** Where the BFF sends Chat REST calls, and how the top bar describes it. */
export type UpstreamTarget = {
  mode: 'sandbox' | 'live';
  baseUrl: string;
  sdkAppId: number;
  adminIdentifier: string;
  secretKey: string;
  region: ChatRegion | null;
  /** Stops the embedded emulator (sandbox mode); nothing in live mode. */
  close: () => Promise<void>;
};

export type StartEmbeddedEmulator = (options: { dbFile: string }) => Promise<{
  url: string;
  sdkAppId: number;
  adminIdentifier: string;
  secretKey: string;
  close: () => Promise<void>;
}>;

/**
 * Live mode talks to the configured Chat app; sandbox mode (no CHAT_SDKAPPID) starts the
 * emulator on a random loopback port with fresh random credentials and talks to it over real
 * HTTP through the same client, so the sandbox exercises exactly the code that talks to Tencent.
 */
export async function resolveUpstream(
  config: Config,
  startEmbeddedEmulator: StartEmbeddedEmulator,
  sandboxDbFile: string,
): Promise<UpstreamTarget> {
  if (config.chat) {
    return {
      mode: 'live',
      baseUrl: config.chat.baseUrlOverride ?? chatBaseUrl(config.chat.region),
      sdkAppId: config.chat.sdkAppId,
      adminIdentifier: config.chat.adminIdentifier,
      secretKey: config.chat.secretKey,
      region: config.chat.region,
      close: async () => {},
    };
  }
  const emulator = await startEmbeddedEmulator({ dbFile: sandboxDbFile });
  return {
    mode: 'sandbox',
    baseUrl: emulator.url,
    sdkAppId: emulator.sdkAppId,
    adminIdentifier: emulator.adminIdentifier,
    secretKey: emulator.secretKey,
    region: null,
    close: emulator.close,
  };
}
