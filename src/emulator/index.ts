// Public entry of the Chat REST emulator.
export { startEmulator, DEFAULT_ADMIN_IDENTIFIER, DEFAULT_PAGE_SIZE } from './server';
export type { Clock, Edition, EmulatorOptions, RunningEmulator } from './server';
export type { FaultSettings, LatencySetting } from './faults';
export type { EmulatorStats, CommandStats } from './stats';
export { COMMANDS } from './commands/registry';
export {
  DEMO_BASE_TIME,
  DEMO_CJK_CUSTOM_MARKS,
  DEMO_CUSTOMER_COUNT,
  DEMO_DISMISSED_GROUP,
  DEMO_DISMISSED_GROUP_MARKS,
  DEMO_GROUPS,
  DEMO_HEAVY_USER,
  DEMO_HEAVY_USER_MARKED_COUNT,
  DEMO_HEAVY_USER_NICK,
  DEMO_HEAVY_USER_RECENT_COUNT,
  DEMO_MARKED_NOT_RECENT,
  DEMO_SHOWCASE_MARKS,
  DEMO_SHOWCASE_USER,
  DEMO_USERS,
  demoCustomerId,
} from './demo/demo-data';
export type { DemoConversation, DemoGroup, DemoMarkFact, DemoUser } from './demo/demo-data';
