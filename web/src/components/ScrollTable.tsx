import type { ReactNode } from 'react';
import { Table, type TableScrollContainerProps } from '@mantine/core';

/**
 * A table that scrolls sideways in its box when narrower than `minWidth`. The box is a named, focusable region
 * (WCAG 2.1.1: a keyboard reaches it and scrolls it with the arrows), and a native scroll box, so that its last
 * column is never hidden under an overlay scrollbar.
 */
export function ScrollTable({
  label,
  minWidth,
  children,
  ...rest
}: { label: string; minWidth: number; children: ReactNode } & Omit<TableScrollContainerProps, 'minWidth' | 'type' | 'children'>) {
  return (
    <Table.ScrollContainer type="native" minWidth={minWidth} tabIndex={0} role="region" aria-label={label} {...rest}>
      {children}
    </Table.ScrollContainer>
  );
}
