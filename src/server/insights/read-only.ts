// Insights never write upstream: their Chat calls go through this caller, which refuses every
// command but the reads they need. The calls share the BFF's one client, so they share its
// per-command rate limiters (and their back-off) with interactive requests and bulk jobs.
import type { ChatCallOptions, ChatClient } from '../chat/client';
import type { ChatCommand, RequestOf, ResponseOf } from '../chat/commands';

export const INSIGHTS_READ_COMMANDS: ReadonlySet<ChatCommand> = new Set<ChatCommand>([
  'recentcontact/get_contact_group',
  'recentcontact/search_contact_group',
  'recentcontact/get_list',
]);

export type ReadOnlyCaller = {
  call<C extends ChatCommand>(command: C, body: RequestOf<C>, options?: ChatCallOptions): Promise<ResponseOf<C>>;
};

export function readOnlyCaller(chat: Pick<ChatClient, 'call'>): ReadOnlyCaller {
  return {
    call(command, body, options) {
      if (!INSIGHTS_READ_COMMANDS.has(command)) return Promise.reject(new Error(`Insights may not send ${command}.`));
      return chat.call(command, body, options);
    },
  };
}
