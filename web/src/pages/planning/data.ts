/**
 * The instructors and agencies the planning draws (columns, colours, opening hours), and the names of the students
 * and cars its loaded windows name. Full lists of students and cars are loaded only where a form picks from them.
 */
import { useMemo } from 'react';
import type { Agency, Instructor, Vehicle } from '../../api/client.ts';
import { instructorName, useAgencies, useAllInstructors } from '../../api/resources.ts';
import type { InstructorInfo } from './events.ts';
import { useKnownNames } from './queries.ts';
import type { Student } from './types.ts';

export interface PlanningData {
  instructors: readonly Instructor[];
  agencies: readonly Agency[];
  instructorInfo: ReadonlyMap<string, InstructorInfo>;
  studentNames: ReadonlyMap<string, string>;
  plates: ReadonlyMap<string, string>;
  agencyById: ReadonlyMap<string, Agency>;
  /** Everything needed to name lessons has arrived (or failed): lessons are drawn once, with their names. */
  ready: boolean;
  /** The first of the queries that failed, if any. */
  error: unknown;
  refetch: () => void;
}

const EMPTY: never[] = [];

export function usePlanningData(): PlanningData {
  const instructorsQuery = useAllInstructors();
  const agenciesQuery = useAgencies();
  const known = useKnownNames();

  const instructors = instructorsQuery.data ?? EMPTY;
  const agencies = agenciesQuery.data ?? EMPTY;

  const instructorInfo = useMemo(
    () => new Map(instructors.map((i) => [i.id, { name: instructorName(i), colour: i.colour, agencyId: i.agency_id }])),
    [instructors],
  );
  const agencyById = useMemo(() => new Map(agencies.map((a) => [a.id, a])), [agencies]);

  const error = instructorsQuery.error ?? agenciesQuery.error ?? null;
  const ready = !(instructorsQuery.isLoading || agenciesQuery.isLoading);
  return {
    instructors,
    agencies,
    instructorInfo,
    studentNames: known.students,
    plates: known.plates,
    agencyById,
    ready,
    error,
    refetch: () => {
      void instructorsQuery.refetch();
      void agenciesQuery.refetch();
    },
  };
}

/** Select options: active instructors, by name. */
export function instructorOptions(instructors: readonly Instructor[], agencyId: string | null = null) {
  return instructors
    .filter((i) => i.active && (agencyId === null || i.agency_id === agencyId))
    .map((i) => ({ value: i.id, label: instructorName(i) }))
    .sort((a, b) => a.label.localeCompare(b.label, 'fr'));
}

/** Select options: vehicles in service ("AB-123-CD — Renault Clio"). */
export function vehicleOptions(vehicles: readonly Vehicle[], agencyId: string | null = null) {
  return vehicles
    .filter((v) => v.status !== 'retired' && (agencyId === null || v.agency_id === agencyId))
    .map((v) => {
      const model = [v.make, v.model].filter(Boolean).join(' ');
      return { value: v.id, label: model ? `${v.plate} — ${model}` : v.plate };
    });
}

/** The students who may still be booked (the pickers of the planning's forms offer only them). */
export const BOOKABLE_STATUSES: readonly Student['status'][] = ['active', 'prospect'];
