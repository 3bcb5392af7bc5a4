import { useId, type ReactNode, type Ref } from 'react';
import { Card, Group, Text, Title } from '@mantine/core';

export interface SectionCardProps {
  title: string;
  /** A sentence under the title: what the section is for, or how to fill it in. */
  hint?: ReactNode;
  /** Buttons beside the title (a phone puts them under it). */
  actions?: ReactNode;
  children?: ReactNode;
  /** Given, the heading can take the focus (`tabIndex={-1}`): where to go when what had it disappears. */
  headingRef?: Ref<HTMLHeadingElement>;
  'data-testid'?: string;
}

/** A titled part of a page: a card, and a region named by its heading for screen-reader navigation. */
export function SectionCard({ title, hint, actions, children, headingRef, 'data-testid': testId }: SectionCardProps) {
  const headingId = useId();
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={headingId} data-testid={testId}>
      <Group justify="space-between" align="flex-start" gap="sm" mb="md">
        <div>
          <Title order={2} size="h3" id={headingId} ref={headingRef} tabIndex={headingRef ? -1 : undefined}>
            {title}
          </Title>
          {hint !== undefined && (
            <Text size="sm" c="dimmed">
              {hint}
            </Text>
          )}
        </div>
        {actions}
      </Group>
      {children}
    </Card>
  );
}
