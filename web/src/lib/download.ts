/** Files made or fetched by the page, saved by the browser as a download (a blob behind an `<a download>`). */

/** Saves `blob` as a file named `name`. */
export function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Once the download has started.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The file name a response suggests (`Content-Disposition: attachment; filename="…"`), or `fallback`. */
export function suggestedName(response: Response, fallback: string): string {
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const quoted = /filename="([^"]+)"/i.exec(disposition)?.[1];
  const bare = /filename=([^";\s]+)/i.exec(disposition)?.[1];
  return (quoted ?? bare ?? '').trim() || fallback;
}
