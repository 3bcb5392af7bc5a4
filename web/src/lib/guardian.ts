import type { Session } from '../api/client.ts';
import { useCurrentSession } from '../api/session.ts';

/** A child a guardian follows, by name (GET /me `children`). */
export type Child = NonNullable<Session['children']>[number];

/** The child a guardian follows now (`student_id` among `children`); null for other roles or when none. */
export function followedChild(session: Session): Child | null {
  if (session.role !== 'GUARDIAN' || !session.student_id) return null;
  return (session.children ?? []).find((child) => child.id === session.student_id) ?? null;
}

/** The children a guardian follows (none for the other roles, whose session has no `children`). */
export const childrenOf = (session: Session): readonly Child[] => session.children ?? [];

export const childName = (child: Pick<Child, 'first_name' | 'last_name'>): string => `${child.first_name} ${child.last_name}`.trim();

/**
 * For the student's pages: the title a page takes for the role. A student reads "Mes heures"; a guardian reads the
 * page of the child they follow, titled with the child's first name ("Heures de Léa").
 */
export function useChildTitle(own: string, ofChild: (firstName: string) => string): string {
  const child = followedChild(useCurrentSession());
  return child ? ofChild(child.first_name) : own;
}
