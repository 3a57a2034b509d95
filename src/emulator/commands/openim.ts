// v4/openim/sendmsg: one-to-one messages, which is how C2C conversations come into existence.
import { ChatRequestError, CODES, type JsonObject } from '../protocol';
import { CONTACT_TYPE_C2C, isUint32 } from '../validate';
import { msgBodyProblem } from './group';
import type { CommandContext, CommandTable } from './context';

const SYNC_TO_SENDER = 1;
const DO_NOT_SYNC_TO_SENDER = 2;

function requireImported(context: CommandContext, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ChatRequestError(CODES.msgInvalidJson, `${field} must be a non-empty string`);
  if (!context.store.hasAccount(value)) throw new ChatRequestError(CODES.msgAccountInvalid, `${field} ${value} has not been imported`);
  return value;
}

function sendMsg(body: JsonObject, context: CommandContext): JsonObject {
  const sync = body.SyncOtherMachine ?? SYNC_TO_SENDER;
  if (sync !== SYNC_TO_SENDER && sync !== DO_NOT_SYNC_TO_SENDER) {
    throw new ChatRequestError(CODES.msgInvalidJson, 'SyncOtherMachine must be 1 or 2');
  }
  if (!isUint32(body.MsgRandom)) throw new ChatRequestError(CODES.msgRandomMissing, 'MsgRandom must be a 32-bit unsigned integer');
  const bodyProblem = msgBodyProblem(body.MsgBody);
  if (bodyProblem) throw new ChatRequestError(CODES.msgBodyInvalid, bodyProblem);
  const recipient = requireImported(context, 'To_Account', body.To_Account);
  const sender = body.From_Account === undefined ? context.adminIdentifier : requireImported(context, 'From_Account', body.From_Account);

  const { store } = context;
  const msgSeq = store.transaction(() => {
    // The recipient always sees the conversation; the sender too unless told not to sync.
    store.touchRecent(recipient, { type: CONTACT_TYPE_C2C, peer: sender }, context.now);
    if (sync === SYNC_TO_SENDER) store.touchRecent(sender, { type: CONTACT_TYPE_C2C, peer: recipient }, context.now);
    return store.nextCounter('c2c_msg_seq');
  });
  return { MsgTime: context.now, MsgKey: `${msgSeq}_${body.MsgRandom as number}_${context.now}` };
}

export const openimCommands: CommandTable = {
  'openim/sendmsg': { handler: sendMsg, callsPerSecond: 200 },
};
