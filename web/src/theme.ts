import { createTheme, type CSSVariablesResolver } from '@mantine/core';

// Shade 8 of blue keeps white text on filled buttons above the WCAG AA contrast ratio (4.5:1).
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 4 },
  defaultRadius: 'md',
  cursorType: 'pointer',
  focusRing: 'auto',
});

// Mantine's default "dimmed" grey is below 4.5:1 on white; use a darker one.
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { '--mantine-color-dimmed': t.colors.gray[7] },
  dark: {},
});
