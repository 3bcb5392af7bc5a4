/** The server's QR code (an SVG document) as an image: a data URL, so nothing of it runs or styles the page. */
export function qrSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
