import { describe, expect, it } from 'vitest';
import {
  CHAT_INVALID_RESPONSE_CODE,
  CHAT_NETWORK_ERROR_CODE,
  chatErrorInfo,
  chatErrorMessage,
  isKnownChatErrorCode,
  isTransientChatErrorClass,
  KNOWN_CHAT_ERROR_CODES,
} from './catalogue';

// The codes of the tables in the Chat REST reference (public codes, recentcontact codes, group codes).
const publicCodes = [
  60002, 60003, 60004, 60005, 60006, 60007, 60008, 60009, 60010, 60011, 60012, 60018, 60019, 70001, 70003, 70009,
  70013, 70014, 70016, 70020, 70050,
];
const recentContactCodes = [50001, 50002, 50003, 50004, 50005, 51006, 51007, 51008, 51009, 51010, 51011, 51012, 51013];
const groupCodes = [10010, 10015];
const specCodes = [...publicCodes, ...recentContactCodes, ...groupCodes];

describe('chat error catalogue', () => {
  it.each(specCodes)('knows code %i with an English and a Korean message', (code) => {
    expect(isKnownChatErrorCode(code)).toBe(true);
    const info = chatErrorInfo(code);
    expect(info.code).toBe(code);
    expect(info.en.length).toBeGreaterThan(10);
    expect(info.ko).toMatch(/[\uac00-\ud7a3]/);
    expect(info.en).not.toContain('code ');
  });

  it('lists exactly the documented codes plus the Markdesk pseudo-codes', () => {
    expect([...KNOWN_CHAT_ERROR_CODES].sort((a, b) => a - b)).toEqual(
      [...specCodes, CHAT_NETWORK_ERROR_CODE, CHAT_INVALID_RESPONSE_CODE].sort((a, b) => a - b),
    );
  });

  it('retries exactly the transient codes, plus network failures', () => {
    const transient = KNOWN_CHAT_ERROR_CODES.filter((code) => isTransientChatErrorClass(chatErrorInfo(code).class));
    expect(transient).toEqual([CHAT_NETWORK_ERROR_CODE, 50004, 50005, 60007, 60008, 60011, 60018, 60019]);
    expect(chatErrorInfo(60007).class).toBe('back-off');
    expect(chatErrorInfo(50004).class).toBe('retry');
  });

  it('regenerates the signature only on 70001', () => {
    const regenerate = KNOWN_CHAT_ERROR_CODES.filter((code) => chatErrorInfo(code).class === 'regenerate-sig');
    expect(regenerate).toEqual([70001]);
  });

  it('classifies the configuration, caller and bug codes support needs to tell apart', () => {
    expect(chatErrorInfo(70009).class).toBe('configuration');
    expect(chatErrorInfo(51013).class).toBe('configuration');
    expect(chatErrorInfo(70050).class).toBe('configuration');
    expect(chatErrorInfo(51008).class).toBe('caller');
    expect(chatErrorInfo(50001).class).toBe('caller');
    expect(chatErrorInfo(60003).class).toBe('bug');
    expect(chatErrorInfo(70013).class).toBe('bug');
  });

  it('speaks the words a support agent expects', () => {
    expect(chatErrorMessage(51007, 'en')).toBe('The group was dismissed or does not exist');
    expect(chatErrorMessage(51008, 'en')).toBe('This user already has 1,000 marked conversations');
    expect(chatErrorMessage(51013, 'en')).toBe('Your Chat edition does not allow standard marks; custom marks still work');
    expect(chatErrorMessage(50001, 'en')).toBe('This Chat user has not been imported into Chat');
    expect(chatErrorMessage(51007, 'ko')).toContain('그룹');
    expect(chatErrorMessage(51008, 'ko')).toContain('1,000');
  });

  it('gives unknown codes a generic bug message naming the code', () => {
    const info = chatErrorInfo(99999);
    expect(info).toMatchObject({ code: 99999, class: 'bug' });
    expect(info.en).toContain('99999');
    expect(chatErrorMessage(99999, 'ko')).toContain('99999');
    expect(isKnownChatErrorCode(99999)).toBe(false);
  });

  it('does not treat inherited object keys as codes', () => {
    expect(chatErrorInfo(Number('0')).class).toBe('bug');
    expect(isKnownChatErrorCode(Number.NaN)).toBe(false);
  });
});

describe('Chinese messages', () => {
  it('has a Chinese sentence for every known code, and one for an unknown code', () => {
    for (const code of KNOWN_CHAT_ERROR_CODES) {
      const zh = chatErrorMessage(code, 'zh-CN');
      expect(zh, String(code)).not.toBe(chatErrorMessage(code, 'en'));
      expect(zh, String(code)).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(chatErrorMessage(51008, 'zh-CN')).toBe('此用户已有 1,000 个带标记的会话');
    expect(chatErrorMessage(99999, 'zh-CN')).toBe('Chat 返回了 Markdesk 不认识的错误（代码 99999）。');
  });
});
