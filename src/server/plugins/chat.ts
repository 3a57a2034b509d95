// The Chat client as a Fastify plugin, with what it talks to (the embedded emulator in sandbox
// mode): both are closed once everything that calls Chat has stopped.
import fp from 'fastify-plugin';
import type { ChatClient } from '../chat/client';

declare module 'fastify' {
  interface FastifyInstance {
    chat: ChatClient;
  }
}

export type ChatPluginOptions = {
  chat: ChatClient;
  /** The upstream behind the client (sandbox mode: the embedded emulator), closed after it. */
  upstream?: { close(): Promise<void> } | undefined;
};

export const chatPlugin = fp<ChatPluginOptions>(
  async (app, { chat, upstream }) => {
    app.decorate('chat', chat);
    app.addHook('onClose', async () => {
      await chat.close();
      await upstream?.close();
    });
  },
  { name: 'markdesk-chat', fastify: '5.x', dependencies: ['markdesk-store'] },
);
