// Names for the demo data: English, Korean and Chinese, as people really write them.

export type Language = 'en' | 'ko' | 'zh';

export type Person = { id: string; nick: string; language: Language };

function people(language: Language, rows: readonly (readonly [string, string])[]): Person[] {
  return rows.map(([id, nick]) => ({ id, nick, language }));
}

/** The ~50 demo people (user ID → nickname). IDs are given.family, lower case. */
export const PEOPLE: readonly Person[] = [
  ...people('en', [
    ['olivia.brown', 'Olivia Brown'],
    ['liam.smith', 'Liam Smith'],
    ['emma.johnson', 'Emma Johnson'],
    ['noah.williams', 'Noah Williams'],
    ['ava.jones', 'Ava Jones'],
    ['james.garcia', 'James Garcia'],
    ['sophia.miller', 'Sophia Miller'],
    ['lucas.davis', 'Lucas Davis'],
    ['mia.wilson', 'Mia Wilson'],
    ['ethan.taylor', 'Ethan Taylor'],
    ['charlotte.anderson', 'Charlotte Anderson'],
    ['henry.thomas', 'Henry Thomas'],
    ['amelia.moore', 'Amelia Moore'],
    ['jack.martin', 'Jack Martin'],
    ['harper.clark', 'Harper Clark'],
    ['leo.lewis', 'Leo Lewis'],
    ['grace.walker', 'Grace Walker'],
  ]),
  ...people('ko', [
    ['minji.kim', '김민지'],
    ['jiwoo.park', '박지우'],
    ['seojun.lee', '이서준'],
    ['hayoon.choi', '최하윤'],
    ['doyun.jung', '정도윤'],
    ['seoyeon.kang', '강서연'],
    ['jihoon.cho', '조지훈'],
    ['yuna.yoon', '윤유나'],
    ['minho.jang', '장민호'],
    ['soyeon.lim', '임소연'],
    ['hyunwoo.han', '한현우'],
    ['eunji.oh', '오은지'],
    ['taeyang.seo', '서태양'],
    ['jiyeon.shin', '신지연'],
    ['junseo.kwon', '권준서'],
    ['dahye.song', '송다혜'],
    ['sungmin.hwang', '황성민'],
  ]),
  ...people('zh', [
    ['wei.zhang', '张伟'],
    ['fang.wang', '王芳'],
    ['na.li', '李娜'],
    ['min.liu', '刘敏'],
    ['jing.chen', '陈静'],
    ['lei.yang', '杨磊'],
    ['jun.huang', '黄军'],
    ['yang.zhao', '赵洋'],
    ['jie.wu', '吴杰'],
    ['tao.zhou', '周涛'],
    ['ming.xu', '徐明'],
    ['chao.sun', '孙超'],
    ['hui.ma', '马慧'],
    ['lin.zhu', '朱琳'],
    ['hao.hu', '胡浩'],
    ['xin.guo', '郭欣'],
  ]),
];

/** Name parts for the generated customer accounts' nicknames. */
export const NAME_PARTS: Record<Language, { given: readonly string[]; family: readonly string[] }> = {
  en: {
    given: ['Oliver', 'Isla', 'George', 'Ruby', 'Arthur', 'Freya', 'Oscar', 'Daisy', 'Theo', 'Ivy', 'Finn', 'Poppy', 'Max', 'Zoe'],
    family: ['Hughes', 'Bennett', 'Price', 'Russell', 'Foster', 'Hayes', 'Murphy', 'Reid', 'Palmer', 'Ellis', 'Barnes', 'Cole'],
  },
  ko: {
    given: ['지민', '수아', '예준', '시우', '하린', '주원', '지안', '건우', '서아', '우진', '채원', '선우', '다은', '은우'],
    family: ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오', '서', '신'],
  },
  zh: {
    given: ['子轩', '欣怡', '浩然', '梓涵', '宇航', '诗涵', '俊杰', '雨桐', '志强', '思琪', '嘉怡', '明轩', '晓东', '佳琪'],
    family: ['张', '王', '李', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱'],
  },
};

export function composeNick(language: Language, given: string, family: string): string {
  return language === 'en' ? `${given} ${family}` : `${family}${given}`;
}

/** Short custom marks a support team would write, per language. */
export const CUSTOM_MARK_PHRASES: Record<Language, readonly string[]> = {
  en: [
    'VIP customer',
    'Follow up on Monday',
    'Waiting for invoice',
    'Renewal due in December',
    'Prefers email',
    'Escalated to tier 2',
    'Beta feedback',
    'Do not disturb after 6pm',
    'Partner account',
    'Refund approved',
  ],
  ko: ['VIP 고객', '월요일에 다시 연락', '환불 처리 중', '배송 지연 문의', '계약 갱신 예정', '2차 상담 필요', '주말 응대 불가', '우수 파트너'],
  zh: ['重要客户', '周一回访', '等待发票', '退款处理中', '合同续签', '需要二线支持', '合作伙伴', '物流延迟'],
};

/** Conversation-group names people create, per language. */
export const CONTACT_GROUP_NAMES: Record<Language, readonly string[]> = {
  en: ['VIP', 'Follow-up', 'Team', 'Friends', 'Partners'],
  ko: ['가족', '업무', '친구', '중요', '프로젝트'],
  zh: ['工作', '家人', '重要', '朋友', '项目'],
};
