// Chat's error messages in Simplified Chinese, by code; kept beside the catalogue so new codes there
// fall back to English until translated (catalogue.test.ts lists any that are missing).
import { CHAT_INVALID_RESPONSE_CODE, CHAT_NETWORK_ERROR_CODE } from './catalogue-codes';

export const ZH_CN_CHAT_ERRORS: Readonly<Record<number, string>> = {
  [CHAT_NETWORK_ERROR_CODE]: 'Markdesk 无法连接 Chat（网络错误或超时），请重试。',
  [CHAT_INVALID_RESPONSE_CODE]: 'Chat 返回了 Markdesk 无法读取的应答。这是 Markdesk 的缺陷。',
  60002: '发往 Chat 的请求 URL 格式有误。这是 Markdesk 的缺陷。',
  60003: 'Chat 无法把请求正文读作 JSON。这是 Markdesk 的缺陷。',
  60004: 'Chat 拒绝了请求中的管理员账号或签名。请检查 Chat 管理员设置。',
  60005: 'Chat 拒绝了请求中的签名（UserSig）。请检查密钥和管理员账号。',
  60006: 'SDKAppID 无效。请检查 CHAT_SDKAPPID。',
  60007: '当前发往 Chat 的请求过多。Markdesk 会放慢速度并重试。',
  60008: 'Chat 应答超时。请稍后重试。',
  60009: 'Markdesk 调用了不存在的 Chat 命令。这是 Markdesk 的缺陷。',
  60010: '所配置的账号不是 Chat 的 App 管理员。请检查 CHAT_ADMIN_IDENTIFIER。',
  60011: '此 Chat 应用已超出总请求上限。Markdesk 会放慢速度并重试。',
  60012: '发往 Chat 的请求缺少 SDKAppID。这是 Markdesk 的缺陷。',
  60018: '发往 Chat 的请求过于频繁。Markdesk 会放慢速度并重试。',
  60019: '发往 Chat 的请求过于频繁。Markdesk 会放慢速度并重试。',
  70001: 'Chat 签名（UserSig）已过期。Markdesk 会生成新签名并重试。',
  70003: 'Chat 无法解析签名（UserSig）。请检查密钥和 SDKAppID。',
  70009: 'Chat 拒绝了签名：密钥不正确。请检查 CHAT_SECRET_KEY。',
  70013: '请求中的管理员账号与签名不一致。这是 Markdesk 的缺陷。',
  70014: 'SDKAppID 与签名中的不一致。请检查 CHAT_SDKAPPID。',
  70016: '所选数据中心中没有此应用。请检查 CHAT_REGION。',
  70020: '所选数据中心中没有此 SDKAppID。请检查 CHAT_REGION 和 CHAT_SDKAPPID。',
  70050: '签名失败次数过多，Chat 暂时拒绝请求。请至少等待一分钟，并检查密钥。',
  50001: '此 Chat 用户尚未导入 Chat',
  50002: 'Chat 认为请求中的某个值无效。',
  50003: '此操作需要 Chat 的 App 管理员权限。请检查 CHAT_ADMIN_IDENTIFIER。',
  50004: 'Chat 内部出错。请重试。',
  50005: 'Chat 端超时。请稍后重试。',
  51006: '一次标记修改必须涉及 1 到 100 个会话。',
  51007: '该群组已解散或不存在',
  51008: '此用户已有 1,000 个带标记的会话',
  51009: '该会话分组不存在。',
  51010: '此用户已有 20 个会话分组，已达上限。',
  51011: '会话分组名称最长 32 字节。',
  51012: '此用户的置顶会话过多。',
  51013: '您的 Chat 版本不支持标准标记；自定义标记仍可使用',
  10010: '该群组已解散。',
  10015: '该群组不存在。',
};

export function unknownChatErrorZhCn(code: number): string {
  return `Chat 返回了 Markdesk 不认识的错误（代码 ${code}）。`;
}
