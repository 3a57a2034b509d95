// localStorage can throw (privacy modes, full quota, disabled storage); a preference that cannot be
// remembered must never break the page, so every access goes through these two functions.

const PREFIX = 'markdesk.';

export function readPreference(name: string): string | null {
  try {
    return window.localStorage.getItem(PREFIX + name);
  } catch {
    return null;
  }
}

export function writePreference(name: string, value: string): void {
  try {
    window.localStorage.setItem(PREFIX + name, value);
  } catch {
    // Not remembered this time; the choice still applies to the open page.
  }
}

/** A JSON array of strings, or [] when absent or unreadable. */
export function readStringList(name: string): string[] {
  const raw = readPreference(name);
  if (raw === null) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

export function writeStringList(name: string, values: readonly string[]): void {
  writePreference(name, JSON.stringify(values));
}
