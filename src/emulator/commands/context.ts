// What every command handler gets, and the shape of the command table.
import type { JsonObject } from '../protocol';
import type { EmulatorStore } from '../store';

export type Edition = 'ultimate' | 'basic';

export type CommandContext = {
  store: EmulatorStore;
  /** Unix seconds of this request, from the emulator's clock. */
  now: number;
  edition: Edition;
  pageSize: { contactGroup: number; recentList: number };
  adminIdentifier: string;
};

/** Returns the command's own response fields (the envelope is added around them). */
export type CommandHandler = (body: JsonObject, context: CommandContext) => JsonObject;

export type CommandSpec = {
  handler: CommandHandler;
  /** Tencent's documented ceiling for this command, calls per second. */
  callsPerSecond: number;
};

/** Keyed `service/command`, exactly as in the URL (case-sensitive). */
export type CommandTable = Record<string, CommandSpec>;
