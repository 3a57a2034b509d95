/**
 * The short form of a Markdesk ID (a bulk job, an audit entry) that people read, compare and quote:
 * its last eight hex digits. The IDs are UUIDv7 (src/server/store/ids.ts), whose first twelve digits
 * are the time it was made, so two jobs started in the same minute begin alike; the last digits are
 * random.
 */
export function shortId(id: string): string {
  return id.replace(/-/g, '').slice(-8);
}
