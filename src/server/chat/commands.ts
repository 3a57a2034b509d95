// The closed set of Chat REST commands Markdesk sends: request types, response schemas and
// per-command facts (documented call ceiling, whether repeating a call is harmless).
// Response schemas ignore unknown fields (Tencent adds fields over time) but are strict about the
// fields Markdesk reads.
import { z } from 'zod';
import type { ContactItem } from '../../shared/marks/conversation';
import type { TencentMarkItem } from '../../shared/marks/change';

// ---------------------------------------------------------------------------------------------
// Response building blocks

const envelopeShape = {
  ActionStatus: z.string(),
  ErrorCode: z.number().int(),
  ErrorInfo: z.string().optional(),
  ErrorDisplay: z.string().optional(),
  RequestId: z.string().optional(),
};

/** The envelope every Chat response carries. */
export const envelopeSchema = z.looseObject(envelopeShape);
export type ChatEnvelope = z.output<typeof envelopeSchema>;

function responseSchema<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.looseObject({ ...envelopeShape, ...shape });
}

const list = <Item extends z.ZodType>(item: Item) => z.array(item).default([]);

/** A ContactItem as Chat returns it: Type 1 with To_Account, or Type 2 with ToGroupId. */
export const contactItemResponseSchema = z.looseObject({
  Type: z.number().int(),
  To_Account: z.string().optional(),
  ToGroupId: z.string().optional(),
});

/** One conversation's mark data in get_contact_group / search_contact_group. */
export const contactMarkItemSchema = contactItemResponseSchema.extend({
  StandardMark: z.string().optional(),
  CustomMark: z.string().optional(),
  ContactGroupId: z.array(z.number().int()).optional(),
  Timestamp: z.number().optional(),
  ResultCode: z.number().int().optional(),
  ResultInfo: z.string().optional(),
});
export type ContactMarkItem = z.output<typeof contactMarkItemSchema>;

export const groupItemSchema = z.looseObject({ GroupName: z.string(), GroupId: z.number().int() });
export type ContactGroupItem = z.output<typeof groupItemSchema>;

const itemResultSchema = z.looseObject({
  ContactItem: contactItemResponseSchema.optional(),
  ResultCode: z.number().int(),
  ResultInfo: z.string().optional(),
});

// ---------------------------------------------------------------------------------------------
// Request types (what we send; Chat's names, case-sensitive)

export type MsgBodyElement = { MsgType: string; MsgContent: Record<string, unknown> };

export type MarkContactRequest = { From_Account: string; MarkItem: TencentMarkItem[] };
export type GetContactGroupRequest = { From_Account: string; StartIndex: number };
export type SearchContactGroupRequest = { From_Account: string; ContactItem: ContactItem[] };
export type CreateContactGroupRequest = {
  From_Account: string;
  /** One group per call. */
  GroupContactItem: [{ GroupName: string; ContactItem: ContactItem[] }];
};
export type UpdateContactGroupRequest = {
  From_Account: string;
  UpdateType: 1;
  UpdateGroup: {
    /** 1 rename, 2 add/remove conversations. */
    UpdateGroupType: 1 | 2;
    OldGroupName: string;
    NewGroupName?: string;
    /** ContactOptType 1 add, 2 remove. */
    ContactUpdateItem?: { ContactOptType: 1 | 2; ContactItem: ContactItem }[];
  };
};
export type DelContactGroupRequest = { From_Account: string; GroupName: [string] };
export type GetListRequest = {
  From_Account: string;
  TimeStamp: number;
  StartIndex: number;
  TopTimeStamp: number;
  TopStartIndex: number;
  AssistFlags: number;
};
export type DeleteRecentContactRequest =
  | { From_Account: string; Type: 1; To_Account: string; ClearRamble?: 0 | 1 }
  // lower-case "id" in this one command
  | { From_Account: string; Type: 2; ToGroupid: string; ClearRamble?: 0 | 1 };
export type AccountImportRequest = { UserID: string; Nick?: string; FaceUrl?: string };
export type MultiAccountImportRequest = { Accounts: string[] };
export type AccountCheckRequest = { CheckItem: { UserID: string }[] };
export type PortraitGetRequest = { To_Account: string[]; TagList: string[] };
export type CreateGroupRequest = {
  Type: string;
  Name: string;
  GroupId?: string;
  Owner_Account?: string;
  Introduction?: string;
  MemberList?: { Member_Account: string }[];
};
export type AddGroupMemberRequest = { GroupId: string; MemberList: { Member_Account: string }[]; Silence?: 0 | 1 };
export type GetJoinedGroupListRequest = {
  Member_Account: string;
  Limit?: number;
  Offset?: number;
  GroupType?: string;
  ResponseFilter?: { GroupBaseInfoFilter?: string[] };
};
export type GetGroupInfoRequest = { GroupIdList: string[]; ResponseFilter?: { GroupBaseInfoFilter?: string[] } };
export type DestroyGroupRequest = { GroupId: string };
export type SendGroupMsgRequest = { GroupId: string; Random: number; MsgBody: MsgBodyElement[]; From_Account?: string };
export type SendMsgRequest = {
  SyncOtherMachine?: 1 | 2;
  From_Account?: string;
  To_Account: string;
  MsgRandom: number;
  MsgBody: MsgBodyElement[];
  MsgLifeTime?: number;
};

// ---------------------------------------------------------------------------------------------
// The registry

type CommandDefinition = {
  response: z.ZodType;
  /** Tencent's documented calls-per-second ceiling for this command, when one is published. */
  documentedPerSecond?: number;
  /**
   * Whether sending the same request twice leaves the same end state. Only such commands are
   * retried after a failure whose outcome is unknown (timeout, reset, internal error).
   */
  idempotent: boolean;
};

const RECENTCONTACT_PER_SECOND = 200;

export const CHAT_COMMAND_DEFINITIONS = {
  // Mark writes are deltas (set/clear named bits), so repeating one is harmless.
  'recentcontact/mark_contact': {
    response: responseSchema({ ResultItem: list(itemResultSchema.extend({ OptType: z.number().int().optional() })) }),
    documentedPerSecond: RECENTCONTACT_PER_SECOND,
    idempotent: true,
  },
  'recentcontact/get_contact_group': {
    response: responseSchema({
      // Read row by row (chat/rows.ts), so that one odd row does not fail the whole list.
      ContactItem: list(z.unknown()),
      GroupItem: list(groupItemSchema),
      CompleteFlag: z.number().int(),
      NextStartIndex: z.number().int().default(0),
    }),
    documentedPerSecond: RECENTCONTACT_PER_SECOND,
    idempotent: true,
  },
  'recentcontact/search_contact_group': {
    response: responseSchema({ ContactResultItem: list(contactMarkItemSchema), GroupItem: list(groupItemSchema) }),
    documentedPerSecond: RECENTCONTACT_PER_SECOND,
    idempotent: true,
  },
  'recentcontact/create_contact_group': {
    response: responseSchema({
      GroupResultItem: list(z.looseObject({ GroupItem: groupItemSchema, ResultItem: list(itemResultSchema) })),
    }),
    documentedPerSecond: RECENTCONTACT_PER_SECOND,
    idempotent: false,
  },
  'recentcontact/update_contact_group': {
    // Type 1 (rename) answers the group's new name; type 2 one result per ContactUpdateItem.
    response: responseSchema({
      UpdateGroupResult: z.looseObject({
        UpdateGroupType: z.number().int().optional(),
        GroupName: z.string().optional(),
        GroupId: z.number().int().optional(),
        OldGroupName: z.string().optional(),
        ContactResultItem: list(itemResultSchema.extend({ ContactOptType: z.number().int().optional() })),
      }),
    }),
    documentedPerSecond: RECENTCONTACT_PER_SECOND,
    idempotent: false,
  },
  'recentcontact/del_contact_group': {
    response: responseSchema({ GroupItem: list(groupItemSchema) }),
    documentedPerSecond: RECENTCONTACT_PER_SECOND,
    idempotent: false,
  },
  'recentcontact/get_list': {
    response: responseSchema({
      // Read row by row (chat/rows.ts), so that one odd row does not fail the whole list.
      SessionItem: list(z.unknown()),
      CompleteFlag: z.number().int(),
      TimeStamp: z.number().default(0),
      StartIndex: z.number().default(0),
      TopTimeStamp: z.number().default(0),
      TopStartIndex: z.number().default(0),
    }),
    documentedPerSecond: RECENTCONTACT_PER_SECOND,
    idempotent: true,
  },
  'recentcontact/delete': {
    response: responseSchema({}),
    documentedPerSecond: RECENTCONTACT_PER_SECOND,
    idempotent: true,
  },
  'im_open_login_svc/account_import': { response: responseSchema({}), idempotent: true },
  'im_open_login_svc/multiaccount_import': {
    response: responseSchema({ FailAccounts: list(z.string()) }),
    idempotent: true,
  },
  'im_open_login_svc/account_check': {
    response: responseSchema({
      ResultItem: list(
        z.looseObject({
          UserID: z.string(),
          ResultCode: z.number().int(),
          ResultInfo: z.string().optional(),
          AccountStatus: z.string().optional(),
        }),
      ),
    }),
    documentedPerSecond: 100,
    idempotent: true,
  },
  'profile/portrait_get': {
    response: responseSchema({
      UserProfileItem: list(
        z.looseObject({
          To_Account: z.string(),
          ProfileItem: list(z.looseObject({ Tag: z.string(), Value: z.unknown() })),
          ResultCode: z.number().int().default(0),
          ResultInfo: z.string().optional(),
        }),
      ),
    }),
    idempotent: true,
  },
  'group_open_http_svc/create_group': {
    response: responseSchema({ GroupId: z.string() }),
    idempotent: false,
  },
  'group_open_http_svc/add_group_member': {
    response: responseSchema({
      MemberList: list(z.looseObject({ Member_Account: z.string(), Result: z.number().int() })),
    }),
    idempotent: true,
  },
  'group_open_http_svc/get_joined_group_list': {
    response: responseSchema({
      TotalCount: z.number().int().default(0),
      GroupIdList: list(z.looseObject({ GroupId: z.string(), Name: z.string().optional(), Type: z.string().optional() })),
    }),
    idempotent: true,
  },
  'group_open_http_svc/get_group_info': {
    response: responseSchema({
      GroupInfo: list(
        z.looseObject({
          GroupId: z.string(),
          ErrorCode: z.number().int().default(0),
          ErrorInfo: z.string().optional(),
          Name: z.string().optional(),
          Type: z.string().optional(),
        }),
      ),
    }),
    idempotent: true,
  },
  'group_open_http_svc/destroy_group': { response: responseSchema({}), idempotent: false },
  'group_open_http_svc/send_group_msg': {
    response: responseSchema({ MsgTime: z.number().optional(), MsgSeq: z.number().optional() }),
    idempotent: false,
  },
  'openim/sendmsg': {
    response: responseSchema({ MsgTime: z.number().optional(), MsgKey: z.string().optional() }),
    idempotent: false,
  },
} as const satisfies Record<string, CommandDefinition>;

/** `service/command`, as in the URL path `/v4/{service}/{command}`. */
export type ChatCommand = keyof typeof CHAT_COMMAND_DEFINITIONS;

export type ChatRequests = {
  'recentcontact/mark_contact': MarkContactRequest;
  'recentcontact/get_contact_group': GetContactGroupRequest;
  'recentcontact/search_contact_group': SearchContactGroupRequest;
  'recentcontact/create_contact_group': CreateContactGroupRequest;
  'recentcontact/update_contact_group': UpdateContactGroupRequest;
  'recentcontact/del_contact_group': DelContactGroupRequest;
  'recentcontact/get_list': GetListRequest;
  'recentcontact/delete': DeleteRecentContactRequest;
  'im_open_login_svc/account_import': AccountImportRequest;
  'im_open_login_svc/multiaccount_import': MultiAccountImportRequest;
  'im_open_login_svc/account_check': AccountCheckRequest;
  'profile/portrait_get': PortraitGetRequest;
  'group_open_http_svc/create_group': CreateGroupRequest;
  'group_open_http_svc/add_group_member': AddGroupMemberRequest;
  'group_open_http_svc/get_joined_group_list': GetJoinedGroupListRequest;
  'group_open_http_svc/get_group_info': GetGroupInfoRequest;
  'group_open_http_svc/destroy_group': DestroyGroupRequest;
  'group_open_http_svc/send_group_msg': SendGroupMsgRequest;
  'openim/sendmsg': SendMsgRequest;
};

// Compile-time check that requests and definitions name the same commands.
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : never;
const _requestsCoverEveryCommand: SameKeys<ChatRequests, typeof CHAT_COMMAND_DEFINITIONS> = true;

export type RequestOf<C extends ChatCommand> = ChatRequests[C];
export type ResponseOf<C extends ChatCommand> = z.output<(typeof CHAT_COMMAND_DEFINITIONS)[C]['response']>;

export const CHAT_COMMANDS = Object.freeze(Object.keys(CHAT_COMMAND_DEFINITIONS)) as readonly ChatCommand[];

export function isChatCommand(value: string): value is ChatCommand {
  return Object.hasOwn(CHAT_COMMAND_DEFINITIONS, value);
}

/** The documented ceiling in calls per second, or undefined when Tencent publishes none. */
export function documentedCallsPerSecond(command: ChatCommand): number | undefined {
  const definition: CommandDefinition = CHAT_COMMAND_DEFINITIONS[command];
  return definition.documentedPerSecond;
}

export function isIdempotentCommand(command: ChatCommand): boolean {
  return CHAT_COMMAND_DEFINITIONS[command].idempotent;
}

/**
 * Calls per second Markdesk allows itself for a command (CHAT_RATE_LIMIT_PER_SECOND; docs/chat-upstream.md, Call frequency):
 * the configured rate, unless the command's documented ceiling is lower than that — then 90 % of
 * that ceiling (account_check: 100/s → 90/s), headroom the operator did not get to choose. A rate
 * configured at or under a ceiling is taken as given: 200 for mark_contact means 200.
 */
export function commandRateLimit(command: ChatCommand, configuredPerSecond: number): number {
  const documented = documentedCallsPerSecond(command);
  return documented !== undefined && documented < configuredPerSecond ? Math.floor(documented * 0.9) : configuredPerSecond;
}

/** Parses a response body of `command`; throws the zod error when the shape is wrong. */
export function parseCommandResponse<C extends ChatCommand>(command: C, body: unknown): ResponseOf<C> {
  return CHAT_COMMAND_DEFINITIONS[command].response.parse(body) as ResponseOf<C>;
}
