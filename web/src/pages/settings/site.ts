import type { Session } from '../../api/client.ts';

const SLUG = /^[a-z0-9-]+$/;

/**
 * The address of the school's public site (`/sites/{slug}/`), when the session names the school's slug; otherwise
 * none: the link is then left out rather than guessed from the school's name.
 */
export function siteAddress(tenant: Session['tenant']): string | null {
  return SLUG.test(tenant.slug) ? `/sites/${tenant.slug}/` : null;
}
