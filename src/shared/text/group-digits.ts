/**
 * A whole number with its digits in threes and commas, `-` before a negative one: how en-US, en-GB,
 * ko-KR and zh-CN all write it (the SPA's i18n tests hold it to Intl.NumberFormat). Written by hand
 * because the first Intl.NumberFormat of a page, and `toLocaleString` with a locale builds one,
 * costs about 30 ms in Chromium (120 ms on a slow laptop): the shared schemas' messages were paying
 * it as their module loaded, on the way to every page's first paint.
 */
export function groupDigits(value: number): string {
  const digits = String(Math.abs(value));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0 ? `-${grouped}` : grouped;
}
