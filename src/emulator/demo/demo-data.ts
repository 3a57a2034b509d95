// Deterministic demo data: the same rows on every fresh start (seeded PRNG, fixed base time), so
// tests and docs can rely on it. Inserted only into an empty database.
import { maskFromBits } from '../../shared/marks/mask';
import { createRandom, type Random } from '../random';
import { seedCustomerMarks } from './customer-marks';
import type { EmulatorStore } from '../store';
import { CONTACT_TYPE_C2C, CONTACT_TYPE_GROUP, type ConversationRef } from '../validate';
import { GROUP_TYPES } from '../commands/group';
import {
  composeNick,
  CONTACT_GROUP_NAMES,
  CUSTOM_MARK_PHRASES,
  NAME_PARTS,
  PEOPLE,
  type Language,
  type Person,
} from './names';

/** 2026-11-01T00:00:00Z. Every demo time is at or before it; nothing reads the wall clock. */
export const DEMO_BASE_TIME = 1_793_491_200;

const DAY = 86_400;
const DEMO_SEED = 20_261_101;

export type DemoUser = { id: string; nick: string; language: Language };

/** The demo people with realistic English, Korean and Chinese nicknames (the heavy user not included). */
export const DEMO_USERS: readonly DemoUser[] = PEOPLE;

/** A support agent with a very long conversation list, close to the 1,000 marked-conversation cap. */
export const DEMO_HEAVY_USER = 'heavy.user';
export const DEMO_HEAVY_USER_NICK = 'Jamie Park · Support';
/** Conversations in the heavy user's recent list (C2C with customers, plus groups). */
export const DEMO_HEAVY_USER_RECENT_COUNT = 1500;
/** Marked or grouped conversations of the heavy user: 10 short of the cap. */
export const DEMO_HEAVY_USER_MARKED_COUNT = 990;
/** Customer accounts `customer.0001` … `customer.1490`, each with one C2C conversation with the heavy user. */
export const DEMO_CUSTOMER_COUNT = 1490;

export function demoCustomerId(index: number): string {
  return `customer.${String(index).padStart(4, '0')}`;
}

export type DemoGroup = { id: string; name: string; type: string; members: readonly string[]; dismissed?: true };

/** A dismissed group; several members still hold marks on its conversation (writes answer 51007). */
export const DEMO_DISMISSED_GROUP = '@TGS#1L53GYJ95';

const HEAVY_GROUP_IDS = [
  '@TGS#2KCYWM881',
  '@TGS#313356JJE',
  '@TGS#2RVH4LLAZ',
  '@TGS#17DD22KV5',
  '@TGS#15AHJ8J4N',
  '@TGS#143LN7CKS',
  '@TGS#1Z70VDHLQ',
  '@TGS#2UKC6935Q',
  '@TGS#3CBYMCZCA',
  '@TGS#373EJ48W8',
] as const;

export const DEMO_GROUPS: readonly DemoGroup[] = [
  {
    id: '@TGS#1FHZDCDOR',
    name: 'Product Launch 2026',
    type: 'Work',
    members: ['olivia.brown', 'liam.smith', 'minji.kim', 'wei.zhang', 'seojun.lee', 'fang.wang', 'emma.johnson', 'jiwoo.park'],
  },
  {
    id: '@TGS#2TUATWW41',
    name: '서울 오피스',
    type: 'Public',
    members: ['minji.kim', 'jiwoo.park', 'seojun.lee', 'hayoon.choi', 'doyun.jung', 'seoyeon.kang', 'jihoon.cho', 'yuna.yoon', 'olivia.brown'],
  },
  {
    id: '@TGS#1VIJ295FI',
    name: '上海运营中心',
    type: 'Work',
    members: ['wei.zhang', 'fang.wang', 'na.li', 'min.liu', 'jing.chen', 'lei.yang', 'jun.huang'],
  },
  {
    id: '@TGS#2KCYWM881',
    name: 'Customer Success',
    type: 'Public',
    members: ['emma.johnson', 'heavy.user', 'noah.williams', 'ava.jones', 'james.garcia', 'minho.jang', 'yang.zhao'],
  },
  {
    id: '@TGS#1AWB5YG5A',
    name: '디자인 리뷰',
    type: 'Work',
    members: ['soyeon.lim', 'hyunwoo.han', 'eunji.oh', 'taeyang.seo', 'sophia.miller', 'jie.wu'],
  },
  {
    id: '@TGS#2I2H6767C',
    name: 'Weekend Hikers',
    type: 'Public',
    members: ['lucas.davis', 'mia.wilson', 'ethan.taylor', 'jiyeon.shin', 'tao.zhou', 'charlotte.anderson'],
  },
  {
    id: '@TGS#1LGVPLTUB',
    name: '前端技术交流',
    type: 'Work',
    members: ['ming.xu', 'chao.sun', 'hui.ma', 'lin.zhu', 'hao.hu', 'junseo.kwon', 'henry.thomas'],
  },
  {
    id: '@TGS#2K7F46KES',
    name: 'Book Club',
    type: 'Public',
    members: ['amelia.moore', 'jack.martin', 'harper.clark', 'dahye.song', 'xin.guo', 'grace.walker'],
  },
  {
    id: '@TGS#1KP0TVP30',
    name: '마케팅팀',
    type: 'Work',
    members: ['sungmin.hwang', 'dahye.song', 'seoyeon.kang', 'leo.lewis', 'na.li'],
  },
  {
    id: '@TGS#313356JJE',
    name: 'Beta Testers',
    type: 'Meeting',
    members: ['heavy.user', 'ava.jones', 'lucas.davis', 'hayoon.choi', 'eunji.oh', 'min.liu', 'chao.sun', 'grace.walker', 'taeyang.seo'],
  },
  {
    id: '@TGS#2RVH4LLAZ',
    name: '产品反馈群',
    type: 'Public',
    members: ['wei.zhang', 'heavy.user', 'jing.chen', 'lei.yang', 'olivia.brown'],
  },
  {
    id: '@TGS#17DD22KV5',
    name: 'Support Escalations',
    type: 'Work',
    members: ['heavy.user', 'noah.williams', 'minho.jang', 'jun.huang'],
  },
  {
    id: DEMO_DISMISSED_GROUP,
    name: 'Spring Promo 2026',
    type: 'Work',
    members: ['olivia.brown', 'minji.kim', 'wei.zhang', 'liam.smith', 'hayoon.choi'],
    dismissed: true,
  },
  { id: '@TGS#15AHJ8J4N', name: 'Support Queue · EN', type: 'Work', members: ['heavy.user', 'ava.jones', 'james.garcia'] },
  { id: '@TGS#143LN7CKS', name: '상담 대기열 · KO', type: 'Work', members: ['heavy.user', 'minho.jang', 'yuna.yoon'] },
  { id: '@TGS#1Z70VDHLQ', name: '客服队列 · ZH', type: 'Work', members: ['heavy.user', 'yang.zhao', 'jun.huang'] },
  { id: '@TGS#2UKC6935Q', name: 'Refund Desk', type: 'Public', members: ['heavy.user', 'emma.johnson'] },
  { id: '@TGS#3CBYMCZCA', name: 'Shipping Issues', type: 'ChatRoom', members: ['heavy.user', 'noah.williams'] },
  { id: '@TGS#373EJ48W8', name: 'VIP Care', type: 'Meeting', members: ['heavy.user', 'olivia.brown'] },
];

export type DemoConversation = { type: 'c2c' | 'group'; id: string };

export type DemoMarkFact = { owner: string; conversation: DemoConversation; bits: readonly number[]; customMark: string };

/** 85 Hangul syllables: 255 UTF-8 bytes, one byte under the limit. */
const KOREAN_NOTE_255_BYTES =
  '고객님께서배송지연으로두번문의하셨고환불대신재발송을원하십니다다음주월요일오전에다시연락드리기로약속했습니다담당자변경시이전상담내용을꼭확인해주세요결제수단변경요청도함께';
/** 85 Han characters and "!": exactly 256 UTF-8 bytes, at the limit. */
const CHINESE_NOTE_256_BYTES =
  '重要客户多次反馈物流延迟要求退款但更希望重新发货下周一上午再次联系更换负责人时务必先查看之前的沟通记录同时需要处理更换支付方式的请求并确认发票抬头信息是否正确无误以免重复!';

/** Custom marks in CJK right at the 256-byte limit. */
export const DEMO_CJK_CUSTOM_MARKS: readonly DemoMarkFact[] = [
  { owner: 'minji.kim', conversation: { type: 'c2c', id: 'jiwoo.park' }, bits: [0, 34], customMark: KOREAN_NOTE_255_BYTES },
  { owner: 'wei.zhang', conversation: { type: 'c2c', id: 'fang.wang' }, bits: [35], customMark: CHINESE_NOTE_256_BYTES },
];

/** olivia.brown's conversations show every standard bit (0–3) and several custom bits. */
export const DEMO_SHOWCASE_USER = 'olivia.brown';
export const DEMO_SHOWCASE_MARKS: readonly DemoMarkFact[] = [
  { owner: 'olivia.brown', conversation: { type: 'c2c', id: 'liam.smith' }, bits: [0], customMark: 'Met at the Seoul meetup' },
  { owner: 'olivia.brown', conversation: { type: 'c2c', id: 'emma.johnson' }, bits: [1], customMark: '' },
  { owner: 'olivia.brown', conversation: { type: 'c2c', id: 'noah.williams' }, bits: [2, 36], customMark: '' },
  { owner: 'olivia.brown', conversation: { type: 'c2c', id: 'minji.kim' }, bits: [3], customMark: '휴가 중 (11월 말까지)' },
  {
    owner: 'olivia.brown',
    conversation: { type: 'c2c', id: 'wei.zhang' },
    bits: [0, 1, 32, 63],
    customMark: 'Key partner – renewals 续约',
  },
  { owner: 'olivia.brown', conversation: { type: 'group', id: '@TGS#1FHZDCDOR' }, bits: [33, 40], customMark: 'Launch checklist' },
];

/** Marks kept on the dismissed group's conversation. */
export const DEMO_DISMISSED_GROUP_MARKS: readonly DemoMarkFact[] = [
  { owner: 'olivia.brown', conversation: { type: 'group', id: DEMO_DISMISSED_GROUP }, bits: [0, 37], customMark: 'Archived campaign' },
  { owner: 'minji.kim', conversation: { type: 'group', id: DEMO_DISMISSED_GROUP }, bits: [2], customMark: '종료된 프로모션' },
  { owner: 'wei.zhang', conversation: { type: 'group', id: DEMO_DISMISSED_GROUP }, bits: [3, 38], customMark: '' },
];

/** A marked conversation the owner has deleted from the recent list: only get_contact_group shows it. */
export const DEMO_MARKED_NOT_RECENT: DemoMarkFact = {
  owner: 'minji.kim',
  conversation: { type: 'c2c', id: 'seojun.lee' },
  bits: [0, 39],
  customMark: '지난 분기 VIP',
};

const CUSTOM_BIT_POOL = [32, 33, 34, 35, 36, 37, 38, 39, 40, 63] as const;
const STANDARD_BIT_ODDS = [0.35, 0.2, 0.15, 0.1] as const;

function toRef(conversation: DemoConversation): ConversationRef {
  return conversation.type === 'c2c'
    ? { type: CONTACT_TYPE_C2C, peer: conversation.id }
    : { type: CONTACT_TYPE_GROUP, peer: conversation.id };
}

function randomMark(random: Random, language: Language): { bits: number[]; customMark: string } {
  const bits: number[] = [];
  STANDARD_BIT_ODDS.forEach((odds, bit) => {
    if (random.chance(odds)) bits.push(bit);
  });
  if (random.chance(0.3)) bits.push(...random.sample(CUSTOM_BIT_POOL, random.int(1, 2)));
  const customMark = random.chance(0.35) ? random.pick(CUSTOM_MARK_PHRASES[language]) : '';
  if (bits.length === 0 && customMark === '') bits.push(0);
  return { bits: bits.sort((a, b) => a - b), customMark };
}

class DemoWriter {
  constructor(
    private readonly store: EmulatorStore,
    private readonly random: Random,
  ) {}

  account(userId: string, nick: string, importedAt: number): void {
    this.store.upsertAccount({ userId, nick, faceUrl: '', importedAt });
  }

  c2c(a: string, b: string, msgTime: number): void {
    this.store.touchRecent(a, { type: CONTACT_TYPE_C2C, peer: b }, msgTime);
    this.store.touchRecent(b, { type: CONTACT_TYPE_C2C, peer: a }, msgTime);
  }

  mark(owner: string, conversation: ConversationRef, bits: readonly number[], customMark: string, updatedAt: number): void {
    this.store.upsertMark(owner, { ...conversation, mask: maskFromBits(bits), customMark, updatedAt });
  }

  markFact(fact: DemoMarkFact): void {
    this.mark(fact.owner, toRef(fact.conversation), fact.bits, fact.customMark, DEMO_BASE_TIME - this.random.int(1, 5) * DAY);
  }

  /** Adds conversations that are already marked to a new conversation group. */
  contactGroup(owner: string, name: string, members: readonly ConversationRef[], createdAt: number): void {
    const groupId = this.store.takeContactGroupId(owner);
    this.store.insertContactGroup(owner, groupId, name, createdAt);
    for (const conversation of members) {
      const existing = this.store.getMark(owner, conversation);
      const updatedAt = Math.max(existing?.updatedAt ?? 0, createdAt);
      this.store.upsertMark(owner, {
        ...conversation,
        mask: existing?.mask ?? 0n,
        customMark: existing?.customMark ?? '',
        updatedAt,
      });
      this.store.addContactGroupMember(owner, groupId, conversation);
    }
  }
}

function seedPeople(writer: DemoWriter, random: Random, adminIdentifier: string): void {
  writer.account(adminIdentifier, '', DEMO_BASE_TIME - 400 * DAY);
  for (const person of PEOPLE) writer.account(person.id, person.nick, DEMO_BASE_TIME - random.int(100, 300) * DAY);
  writer.account(DEMO_HEAVY_USER, DEMO_HEAVY_USER_NICK, DEMO_BASE_TIME - 380 * DAY);
  const languages: Language[] = ['en', 'ko', 'zh'];
  for (let index = 1; index <= DEMO_CUSTOMER_COUNT; index++) {
    const language = random.pick(languages);
    const parts = NAME_PARTS[language];
    const nick = composeNick(language, random.pick(parts.given), random.pick(parts.family));
    writer.account(demoCustomerId(index), nick, DEMO_BASE_TIME - random.int(5, 360) * DAY);
  }
}

function seedGroups(store: EmulatorStore, random: Random): void {
  for (const group of DEMO_GROUPS) {
    const createdAt = DEMO_BASE_TIME - random.int(60, 200) * DAY;
    const lastMsgTime = group.dismissed ? DEMO_BASE_TIME - 70 * DAY : DEMO_BASE_TIME - random.int(0, 30 * DAY);
    const [owner = ''] = group.members;
    store.insertGroup({
      groupId: group.id,
      type: group.type,
      name: group.name,
      ownerAccount: owner,
      introduction: '',
      notification: '',
      faceUrl: '',
      maxMemberNum: GROUP_TYPES[group.type]?.maxMemberNum ?? 200,
      applyJoinOption: 'NeedPermission',
      createdAt,
      dismissedAt: group.dismissed ? DEMO_BASE_TIME - 60 * DAY : null,
      lastMsgSeq: random.int(20, 900),
      lastMsgTime,
    });
    group.members.forEach((userId, index) => {
      store.addGroupMember({ groupId: group.id, userId, role: index === 0 ? 'Owner' : 'Member', joinTime: createdAt + index * 60 });
      store.touchRecent(userId, { type: CONTACT_TYPE_GROUP, peer: group.id }, lastMsgTime);
    });
  }
}

/** C2C conversations among the demo people: each talks to 4–12 others; some pairs are scripted. */
function seedPeopleConversations(writer: DemoWriter, random: Random): void {
  const ids = PEOPLE.map((person) => person.id);
  const pairs = new Set<string>();
  const scripted: [string, string][] = [
    ['minji.kim', 'jiwoo.park'],
    ['wei.zhang', 'fang.wang'],
    ['minji.kim', 'seojun.lee'],
    ...['liam.smith', 'emma.johnson', 'noah.williams', 'minji.kim', 'wei.zhang'].map((peer): [string, string] => ['olivia.brown', peer]),
  ];
  for (const [a, b] of scripted) pairs.add([a, b].sort().join('|'));
  for (const id of ids) {
    for (const peer of random.sample(ids.filter((other) => other !== id), random.int(4, 12))) {
      pairs.add([id, peer].sort().join('|'));
    }
  }
  for (const pair of [...pairs].sort()) {
    const [a, b] = pair.split('|') as [string, string];
    writer.c2c(a, b, DEMO_BASE_TIME - random.int(0, 45 * DAY));
  }
}

function seedPeopleMarks(store: EmulatorStore, writer: DemoWriter, random: Random, person: Person): void {
  const conversations = store.recentList(person.id);
  const marked: ConversationRef[] = [];
  for (const conversation of conversations) {
    if (!random.chance(0.4)) continue;
    const { bits, customMark } = randomMark(random, person.language);
    writer.mark(person.id, conversation, bits, customMark, Math.min(DEMO_BASE_TIME, conversation.msgTime + random.int(0, 3 * DAY)));
    marked.push(conversation);
  }
  for (const pinned of random.sample(conversations, random.int(0, 3))) store.setPinned(person.id, pinned, true);
  if (marked.length > 0 && random.chance(0.5)) {
    const names = random.sample(CONTACT_GROUP_NAMES[person.language], random.int(1, 3));
    for (const name of names) {
      writer.contactGroup(person.id, name, random.sample(marked, random.int(1, 5)), DEMO_BASE_TIME - random.int(1, 20) * DAY);
    }
  }
}

function seedHeavyUser(store: EmulatorStore, writer: DemoWriter, random: Random): void {
  const customers = Array.from({ length: DEMO_CUSTOMER_COUNT }, (_, index) => demoCustomerId(index + 1));
  for (const customer of customers) writer.c2c(DEMO_HEAVY_USER, customer, DEMO_BASE_TIME - random.int(0, 120 * DAY));
  const languages: Language[] = ['en', 'ko', 'zh'];
  const markedCustomers = random.sample(customers, DEMO_HEAVY_USER_MARKED_COUNT - HEAVY_GROUP_IDS.length).sort();
  const marked: ConversationRef[] = [
    ...markedCustomers.map((peer): ConversationRef => ({ type: CONTACT_TYPE_C2C, peer })),
    ...HEAVY_GROUP_IDS.map((peer): ConversationRef => ({ type: CONTACT_TYPE_GROUP, peer })),
  ];
  for (const conversation of marked) {
    const { bits, customMark } = randomMark(random, random.pick(languages));
    writer.mark(DEMO_HEAVY_USER, conversation, bits, customMark, DEMO_BASE_TIME - random.int(0, 60 * DAY));
  }
  for (const pinned of random.sample(store.recentList(DEMO_HEAVY_USER), 5)) store.setPinned(DEMO_HEAVY_USER, pinned, true);
  // Only already-marked conversations go into groups, so the marked count stays exactly 990.
  const groups: [string, number][] = [
    ['VIP', 40],
    ['Escalations', 25],
    ['환불 요청', 30],
    ['待回复', 20],
    ['Shipping', 15],
  ];
  for (const [name, size] of groups) {
    writer.contactGroup(DEMO_HEAVY_USER, name, random.sample(marked, size), DEMO_BASE_TIME - random.int(1, 30) * DAY);
  }
}

/** Fills an empty store with the demo data. Same input, same rows. */
export function seedDemoData(store: EmulatorStore, adminIdentifier: string): void {
  const random = createRandom(DEMO_SEED);
  const writer = new DemoWriter(store, random);
  store.transaction(() => {
    seedPeople(writer, random, adminIdentifier);
    seedGroups(store, random);
    seedPeopleConversations(writer, random);
    for (const person of PEOPLE) seedPeopleMarks(store, writer, random, person);
    seedHeavyUser(store, writer, random);
    for (const fact of [...DEMO_SHOWCASE_MARKS, ...DEMO_CJK_CUSTOM_MARKS, ...DEMO_DISMISSED_GROUP_MARKS, DEMO_MARKED_NOT_RECENT]) {
      writer.markFact(fact);
    }
    store.deleteRecent(DEMO_MARKED_NOT_RECENT.owner, toRef(DEMO_MARKED_NOT_RECENT.conversation));
    seedCustomerMarks(store, {
      customers: Array.from({ length: DEMO_CUSTOMER_COUNT }, (_, index) => demoCustomerId(index + 1)),
      shop: DEMO_HEAVY_USER,
      groups: DEMO_GROUPS.filter((group) => !group.dismissed).map((group) => group.id),
      baseTime: DEMO_BASE_TIME,
    });
  });
}
