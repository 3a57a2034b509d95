// Every command the emulator speaks, keyed `service/command` as in the URL.
import type { CommandSpec, CommandTable } from './context';
import { groupCommands } from './group';
import { loginCommands } from './login';
import { openimCommands } from './openim';
import { profileCommands } from './profile';
import { recentContactCommands } from './recentcontact';

export const COMMANDS: Readonly<CommandTable> = Object.freeze({
  ...recentContactCommands,
  ...loginCommands,
  ...profileCommands,
  ...groupCommands,
  ...openimCommands,
});

export function findCommand(key: string): CommandSpec | undefined {
  return Object.hasOwn(COMMANDS, key) ? COMMANDS[key] : undefined;
}
