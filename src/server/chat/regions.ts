// Tencent Chat REST domains by data centre. The domain must match the app's data centre, else
// Chat answers 70016/70020.

export const CHAT_REGIONS = {
  china: 'console.tim.qq.com',
  singapore: 'adminapisgp.im.qcloud.com',
  seoul: 'adminapikr.im.qcloud.com',
  tokyo: 'adminapijpn.im.qcloud.com',
  frankfurt: 'adminapiger.im.qcloud.com',
  'silicon-valley': 'adminapiusa.im.qcloud.com',
  jakarta: 'adminapiidn.im.qcloud.com',
} as const satisfies Record<string, string>;

export type ChatRegion = keyof typeof CHAT_REGIONS;

export function isChatRegion(value: string): value is ChatRegion {
  return Object.hasOwn(CHAT_REGIONS, value);
}

/** `https://{domain}` of the region, without a trailing slash. */
export function chatBaseUrl(region: ChatRegion): string {
  if (!isChatRegion(region)) throw new RangeError(`Unknown Chat region "${String(region)}".`);
  return `https://${CHAT_REGIONS[region]}`;
}
