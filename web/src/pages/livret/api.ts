/**
 * The digital livret (office): the transmissions of the lessons done to the students' livret (through RdvPermis), the
 * retry of a rejected one, and the ETP preview of a month (the hours transmitted over the 3 months before the 24th).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client.ts';
import { etpPreviewKey, livretTransmissionsKey } from '../../api/keys.ts';
import type { components } from '../../api/schema';

/** A lesson of a student, as transmitted (or to transmit); `reason` in French: what to fix, or the last fault. */
export type LivretTransmission = components['schemas']['LivretTransmission'];
export type LivretTransmissions = components['schemas']['LivretTransmissions'];
export type EtpPreview = components['schemas']['EtpPreview'];
export type EtpKindLine = components['schemas']['EtpKindLine'];
export type LivretKind = components['schemas']['EtpKind'];
/** The API writes the status as a string: these are the ones it sends (see `isStatus`). */
export type LivretStatus = 'pending' | 'sent' | 'accepted' | 'rejected' | 'retrying';

export const STATUSES = ['pending', 'sent', 'accepted', 'rejected', 'retrying'] as const satisfies readonly LivretStatus[];
export const KINDS = ['practical', 'aac_practice', 'theory', 'start_evaluation', 'exam_accompaniment'] as const satisfies readonly LivretKind[];

export const STATUS_COLOR: Record<LivretStatus, string> = { pending: 'gray', sent: 'blue', accepted: 'teal', rejected: 'red', retrying: 'orange' };

/** The server sends at most this many transmissions. */
export const TRANSMISSIONS_LIMIT = 500;

export function isStatus(value: string | null): value is LivretStatus {
  return value !== null && (STATUSES as readonly string[]).includes(value);
}

export function isKind(value: string): value is LivretKind {
  return (KINDS as readonly string[]).includes(value);
}

/** The transmissions, newest lesson first, of one status or all; the counts per status come with them. */
export function useTransmissions(status: LivretStatus | null) {
  return useQuery({
    queryKey: livretTransmissionsKey(status),
    queryFn: () => unwrap(api.GET('/api/v1/livret/transmissions', { params: { query: status === null ? {} : { status } } })),
    // The chips keep their counts while another status loads.
    placeholderData: keepPreviousData,
  });
}

/** Sends a rejected transmission again (once the file was fixed): it is pending again. */
export function retryTransmission(transmission: Pick<LivretTransmission, 'lesson_id' | 'student_id'>): Promise<LivretTransmission> {
  return unwrap(
    api.POST('/api/v1/livret/transmissions/{lesson_id}/{student_id}/retry', {
      params: { path: { lesson_id: transmission.lesson_id, student_id: transmission.student_id } },
    }),
  );
}

/** The ETP preview of a month `YYYY-MM`. */
export function useEtpPreview(month: string | null) {
  return useQuery({
    queryKey: etpPreviewKey(month ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/etp-preview', { params: { query: month === null ? {} : { month } } })),
    enabled: month !== null,
    placeholderData: keepPreviousData,
  });
}

/** Minutes done but not transmitted (never below zero). */
export function notTransmittedMinutes(line: Pick<EtpKindLine, 'done_minutes' | 'transmitted_minutes'>): number {
  return Math.max(0, line.done_minutes - line.transmitted_minutes);
}

const decimals = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
const twoDecimals = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 1.2 → "1,2"; 12.5 → "12,5". */
export function formatNumber(value: number): string {
  return decimals.format(value);
}

/** An ETP: always two decimals, "2,35", "0,10". */
export function formatEtp(value: number): string {
  return twoDecimals.format(value);
}

/** Hours for a chart: minutes → hours with one decimal. */
export function hoursOf(minutes: number): number {
  return Math.round(minutes / 6) / 10;
}
