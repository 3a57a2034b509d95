// safeReturnTo: where the browser is sent after single sign-on. Whatever comes in, what goes out
// is a path a browser reads as one on this site (the whole round trip is in auth/sso.test.ts).
import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './identity';

/** How a browser resolves a Location header: it drops tabs and newlines first (WHATWG URL). */
const resolvedByBrowser = (location: string) => new URL(location, 'https://markdesk.example').origin;

describe('safeReturnTo', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    expect(safeReturnTo('/marks')).toBe('/marks');
    expect(safeReturnTo('/conversations?user=alice&page=2#latest')).toBe('/conversations?user=alice&page=2#latest');
    expect(safeReturnTo('/step-up-done')).toBe('/step-up-done');
  });

  it('goes to /marks for nothing, another site, the API or a value too long', () => {
    for (const value of [undefined, '', 'marks', 'https://evil.example/', '//evil.example/', '/\\evil.example/', '/api/session', `/${'a'.repeat(2000)}`]) {
      expect(safeReturnTo(value), JSON.stringify(value)).toBe('/marks');
    }
  });

  it('refuses what a browser would read as another site: control characters, backslashes, dot segments', () => {
    const hostile = [
      '/\t/evil.example/phish',
      '/\n/evil.example/phish',
      '/\r\n/evil.example/phish',
      '\t//evil.example/phish',
      '/\u0000/evil.example',
      '/\\\\evil.example',
      '/marks\\..\\..\\/evil.example',
      '/.//evil.example/phish',
      '/a/../..//evil.example',
    ];
    for (const value of hostile) expect(safeReturnTo(value), JSON.stringify(value)).toBe('/marks');
    // The first of them is the one that got through: a browser reads it as another site.
    expect(resolvedByBrowser('/\t/evil.example/phish')).toBe('https://evil.example');
  });

  it('answers only paths a browser resolves on this site, for any printable or control character after the slash', () => {
    for (let code = 0; code < 0x250; code++) {
      for (const value of [`/${String.fromCharCode(code)}/evil.example`, `/${String.fromCharCode(code)}${String.fromCharCode(code)}evil.example`]) {
        const answer = safeReturnTo(value);
        expect(answer.startsWith('/') && !answer.startsWith('//'), JSON.stringify(value)).toBe(true);
        expect(resolvedByBrowser(answer), JSON.stringify(value)).toBe('https://markdesk.example');
      }
    }
  });
});
