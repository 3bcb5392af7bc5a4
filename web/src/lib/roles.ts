import type { Role } from '../api/client.ts';

export const ALL_ROLES: readonly Role[] = ['ADMIN', 'SECRETARY', 'INSTRUCTOR', 'STUDENT', 'GUARDIAN'];
/**
 * The roles an ADMIN gives from "Utilisateurs" (invitation, change of role): a guardian is invited from a minor
 * student's file instead (their access is tied to that child).
 */
export const MEMBER_ROLES: readonly Role[] = ['ADMIN', 'SECRETARY', 'INSTRUCTOR', 'STUDENT'];
/** The student's space: the student, and the guardian who reads it for the child they follow (read-only). */
export const STUDENT_SPACE: readonly Role[] = ['STUDENT', 'GUARDIAN'];
/** Office staff: the people who run the school day to day. */
export const OFFICE: readonly Role[] = ['ADMIN', 'SECRETARY'];
export const STAFF: readonly Role[] = ['ADMIN', 'SECRETARY', 'INSTRUCTOR'];
