import {
  createTheme,
  Menu,
  Notification,
  PasswordInput,
  DEFAULT_THEME,
  defaultVariantColorsResolver,
  parseThemeColor,
  type CSSVariablesResolver,
  type MantineColorsTuple,
  type VariantColorsResolver,
} from '@mantine/core';
import fr from './i18n/fr.ts';
import { darkenTo } from './lib/contrast.ts';

// WCAG 2.1 AA contrast (1.4.3 text 4.5:1, 1.4.11 UI parts 3:1), fixed once here rather than page by page.
// Mantine's palettes are too light for several hues (green, teal, orange, yellow, cyan…): a light badge is shade 9 on
// shade 1, a filled one white on shade 8, `c="red"` is shade 8 on white. Each palette's darker shades are darkened
// (hue kept) just enough that:
//   shade 6 ≥ 4.5:1 on white (Mantine's error text, menu items and outlines use it),
//   shade 7 ≥ 4.6:1 and shade 8 ≥ 4.9:1 on white (text, white text on filled parts, also on the grey table stripes),
//   shades 8 and 9 ≥ 4.7:1 on shade 1 (light badges, buttons and alerts: their text and links on the tint).

const WHITE = '#ffffff';

/** A palette whose shades 6 to 9 meet the ratios above. */
export function accessiblePalette(palette: MantineColorsTuple): MantineColorsTuple {
  const [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, ...rest] = palette;
  return [
    s0,
    s1,
    s2,
    s3,
    s4,
    s5,
    darkenTo(s6, WHITE, 4.5),
    darkenTo(s7, WHITE, 4.6),
    darkenTo(darkenTo(s8, WHITE, 4.9), s1, 4.7),
    darkenTo(darkenTo(s9, WHITE, 4.9), s1, 4.7),
    ...rest,
  ] as const;
}

const colors = Object.fromEntries(
  Object.entries(DEFAULT_THEME.colors).map(([name, palette]) => [name, accessiblePalette(palette)]),
) as Record<string, MantineColorsTuple>;

/**
 * Mantine's own rules, except for a colour given with its shade (`color="red.8"`): the light variant would paint the
 * shade as the background under the hue's light text (1.2:1), and subtle or transparent ones cap the text at shade 6.
 */
const variantColorResolver: VariantColorsResolver = (input) => {
  const parsed = parseThemeColor({ color: input.color ?? input.theme.primaryColor, theme: input.theme });
  if (parsed.isThemeColor && parsed.shade !== undefined) {
    if (input.variant === 'light') return defaultVariantColorsResolver({ ...input, color: parsed.color });
    if (input.variant === 'subtle' || input.variant === 'transparent') {
      const resolved = defaultVariantColorsResolver(input);
      return { ...resolved, color: `var(--mantine-color-${parsed.color}-${Math.max(parsed.shade, 7)})` };
    }
  }
  return defaultVariantColorsResolver(input);
};

// Shade 8 of blue keeps white text on filled buttons above the WCAG AA contrast ratio (4.5:1).
export const theme = createTheme({
  colors,
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 4 },
  defaultRadius: 'md',
  cursorType: 'pointer',
  focusRing: 'auto',
  variantColorResolver,
  components: {
    // Mantine puts a focusable `role=presentation` placeholder first in each menu, which a `role=menu` may not hold
    // (axe: aria-required-children); without it, the first item takes the focus, as menus should.
    Menu: Menu.extend({ defaultProps: { withInitialFocusPlaceholder: false } }),
    // The eye button of password fields: in the tab order (WCAG 2.1.1), named in French; `aria-pressed` (set by
    // Mantine) tells whether the password is shown.
    PasswordInput: PasswordInput.extend({
      defaultProps: {
        visibilityToggleFocusable: true,
        visibilityToggleButtonProps: { 'aria-label': fr.auth.showPassword },
      },
    }),
    // The cross of the toasts (notifySuccess…): a button, named in French (axe: button-name).
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': fr.common.close } } }),
  },
});

// Mantine's default "dimmed" grey is below 4.5:1 on white; use a darker one.
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { '--mantine-color-dimmed': t.colors.gray[7] },
  dark: {},
});
