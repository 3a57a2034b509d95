import { startMarkdesk } from './support/markdesk-process';

// Starts the real app (as `npm start` does) on a free port with a throwaway data dir.
export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = await startMarkdesk();
  process.env.MARKDESK_E2E_URL = server.url;
  process.env.MARKDESK_E2E_DATA_DIR = server.dataDir;
  return server.stop;
}
