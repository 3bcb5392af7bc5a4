import { Fragment, type ReactNode } from 'react';
import { Anchor } from '@mantine/core';
import { splitLinks } from './links.ts';

/** Plain text with its http(s) links made clickable. */
export function Linkified({ text }: { text: string }): ReactNode {
  return splitLinks(text).map((part, i) =>
    part.href !== undefined ? (
      <Anchor key={i} href={part.href} rel="noopener noreferrer">
        {part.text}
      </Anchor>
    ) : (
      <Fragment key={i}>{part.text}</Fragment>
    ),
  );
}
