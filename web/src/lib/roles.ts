import type { Role } from '../api/client.ts';

export const ALL_ROLES: readonly Role[] = ['ADMIN', 'SECRETARY', 'INSTRUCTOR', 'STUDENT'];
/** Office staff: the people who run the school day to day. */
export const OFFICE: readonly Role[] = ['ADMIN', 'SECRETARY'];
export const STAFF: readonly Role[] = ['ADMIN', 'SECRETARY', 'INSTRUCTOR'];
