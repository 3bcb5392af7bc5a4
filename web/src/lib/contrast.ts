/** WCAG 2.1 contrast ratios (1.4.3, 1.4.11) of `#rrggbb` colours, and darkening a colour until it meets one. */

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? h.replace(/./g, (c) => c + c) : h;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((v) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0')).join('')}`;
}

function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The WCAG contrast ratio of two colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(parseHex(a)), luminance(parseHex(b))];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** `color`, darkened by small steps (hue kept) until it reaches `ratio` against `against`. */
export function darkenTo(color: string, against: string, ratio: number): string {
  let rgb = parseHex(color);
  let hex = color;
  for (let i = 0; i < 100 && contrast(hex, against) < ratio; i += 1) {
    rgb = rgb.map((v) => v * 0.97) as Rgb;
    hex = toHex(rgb);
  }
  return hex;
}
