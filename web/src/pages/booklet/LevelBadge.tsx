import { Badge } from '@mantine/core';
import type { Level } from './api.ts';
import { LEVEL_STYLE } from './levels.ts';

/** A level as a coloured badge that also says it in words (the colour is never the only cue). */
export function LevelBadge({ level, label, size = 'md' }: { level: Level; label: string; size?: 'sm' | 'md' | 'lg' }) {
  const style = LEVEL_STYLE[level];
  return (
    <Badge
      variant={style.variant}
      color={style.color}
      size={size}
      tt="none"
      data-level={level}
      data-testid="level-badge"
      style={{ minWidth: 'max-content' }}
    >
      {label}
    </Badge>
  );
}
