/**
 * The school's figures (ADMIN) and the instructors' (an INSTRUCTOR gets only their own row): types derived from the
 * operations (like api/client.ts), queries, and the CSV exports fetched with the session and saved as files.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { analyticsInstructorsKey, analyticsOverviewKey, type AnalyticsFilters } from '../../api/keys.ts';
import { saveBlob, suggestedName } from '../../lib/download.ts';

export type Overview = ResponseBody<'/api/v1/analytics/overview', 'get', 200>;
export type PassRates = Overview['theory'];
export type Rate = PassRates['overall'];
export type WeekHours = Overview['weeks'][number];
export type MonthRevenue = Overview['revenue']['months'][number];
export type InstructorFigures = ResponseBody<'/api/v1/analytics/instructors', 'get', 200>[number];

export const REPORTS = ['weeks', 'revenue', 'instructors', 'pass_rates'] as const;
export type Report = (typeof REPORTS)[number];

const query = ({ from, to, agency }: AnalyticsFilters) => ({ from, to, ...(agency ? { agency_id: agency } : {}) });

/** The overview of the period; the previous one stays on screen while the next loads. */
export function useOverview(filters: AnalyticsFilters | null) {
  return useQuery({
    queryKey: analyticsOverviewKey(filters ?? { from: '', to: '', agency: null }),
    queryFn: () => unwrap(api.GET('/api/v1/analytics/overview', { params: { query: query(filters as AnalyticsFilters) } })),
    enabled: filters !== null,
    placeholderData: keepPreviousData,
  });
}

/** Each instructor's figures of the period (the ADMIN's table), or one's own (the instructor's home). */
export function useInstructorFigures(filters: AnalyticsFilters | null) {
  return useQuery({
    queryKey: analyticsInstructorsKey(filters ?? { from: '', to: '', agency: null }),
    queryFn: () => unwrap(api.GET('/api/v1/analytics/instructors', { params: { query: query(filters as AnalyticsFilters) } })),
    enabled: filters !== null,
    placeholderData: keepPreviousData,
  });
}

/** Fetches a report of the period as CSV and saves it; returns the file's name. */
export async function downloadReport(report: Report, filters: AnalyticsFilters): Promise<string> {
  const call = api.GET('/api/v1/analytics/export.csv', { params: { query: { report, ...query(filters) } }, parseAs: 'blob' });
  const csv = await unwrap(call);
  const name = suggestedName((await call).response, `${report}-${filters.from}-${filters.to}.csv`);
  saveBlob(name, csv);
  return name;
}

/** Fetches the payroll of a month `YYYY-MM` as CSV and saves it; returns the file's name. */
export async function downloadPayroll(month: string): Promise<string> {
  const call = api.GET('/api/v1/payroll', { params: { query: { month } }, parseAs: 'blob' });
  const csv = await unwrap(call);
  const name = suggestedName((await call).response, `paie-${month}.csv`);
  saveBlob(name, csv);
  return name;
}
