import { ColorSwatch } from '@mantine/core';

/** The instructor's planning colour, as a small dot next to the name (decorative: the name says who it is). */
export function ColourDot({ colour, size = 14 }: { colour: string; size?: number }) {
  return <ColorSwatch color={colour} size={size} withShadow={false} aria-hidden="true" style={{ flexShrink: 0 }} />;
}
