import { describe, expect, it } from 'vitest';
import { DEFAULT_THEME } from '@mantine/core';
import { contrast } from './lib/contrast.ts';
import { theme } from './theme.ts';

describe('theme colours (WCAG 2.1 AA)', () => {
  const names = Object.keys(DEFAULT_THEME.colors);
  it.each(names)('%s: text, filled parts and light badges reach 4.5:1', (name) => {
    const shades = theme.colors?.[name];
    expect(shades).toBeDefined();
    const [, s1, , , , , s6, s7, s8, s9] = shades as readonly string[];
    expect(contrast(s6 as string, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrast(s7 as string, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrast(s8 as string, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrast(s8 as string, '#f8f9fa')).toBeGreaterThanOrEqual(4.5);
    expect(contrast(s8 as string, s1 as string)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(s9 as string, s1 as string)).toBeGreaterThanOrEqual(4.5);
  });

  it('keeps the light shades as they are', () => {
    expect(theme.colors?.green?.[1]).toBe(DEFAULT_THEME.colors.green[1]);
  });
});
