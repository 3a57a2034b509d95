/** Saves text as a file through a temporary link (it is built in the browser: nothing is fetched). */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the URL is only needed for the click.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
