import { startMarkdesk } from './support/markdesk-process';

// Starts the real app (as `npm start` does: sandbox mode, SPA built if stale) on a free port with
// a throwaway data dir, and hands the URL and the printed first-start passwords to the specs.
export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = await startMarkdesk();
  process.env.MARKDESK_E2E_URL = server.url;
  process.env.MARKDESK_E2E_DATA_DIR = server.dataDir;
  process.env.MARKDESK_E2E_STAFF = JSON.stringify(server.staff);
  return server.stop;
}
