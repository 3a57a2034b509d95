import { describe, expect, it } from 'vitest';
import { CHAT_REGIONS, chatBaseUrl, isChatRegion } from './regions';

describe('Chat regions', () => {
  it('maps every data centre to its REST domain', () => {
    expect(CHAT_REGIONS).toEqual({
      china: 'console.tim.qq.com',
      singapore: 'adminapisgp.im.qcloud.com',
      seoul: 'adminapikr.im.qcloud.com',
      tokyo: 'adminapijpn.im.qcloud.com',
      frankfurt: 'adminapiger.im.qcloud.com',
      'silicon-valley': 'adminapiusa.im.qcloud.com',
      jakarta: 'adminapiidn.im.qcloud.com',
    });
  });

  it('builds an https base URL without a trailing slash', () => {
    expect(chatBaseUrl('seoul')).toBe('https://adminapikr.im.qcloud.com');
    expect(chatBaseUrl('china')).toBe('https://console.tim.qq.com');
  });

  it('recognises region names and refuses others', () => {
    expect(isChatRegion('silicon-valley')).toBe(true);
    expect(isChatRegion('toString')).toBe(false);
    expect(() => chatBaseUrl('mars' as never)).toThrow(RangeError);
  });
});
