/** The people, cars and agencies the planning names, loaded once and indexed by id. */
import { useMemo } from 'react';
import type { Agency, Instructor, Role, Vehicle } from '../../api/client.ts';
import { useAgencies } from '../../api/resources.ts';
import type { InstructorInfo } from './events.ts';
import { instructorName, studentName, useAllInstructors, useAllStudents, useAllVehicles } from './queries.ts';
import type { Student } from './types.ts';

export interface PlanningData {
  instructors: readonly Instructor[];
  vehicles: readonly Vehicle[];
  students: readonly Student[];
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

export function usePlanningData(role: Role): PlanningData {
  const instructorsQuery = useAllInstructors();
  const vehiclesQuery = useAllVehicles(role !== 'STUDENT');
  const studentsQuery = useAllStudents();
  const agenciesQuery = useAgencies();

  const instructors = instructorsQuery.data ?? EMPTY;
  const vehicles = vehiclesQuery.data ?? EMPTY;
  const students = studentsQuery.data ?? EMPTY;
  const agencies = agenciesQuery.data ?? EMPTY;

  const instructorInfo = useMemo(
    () => new Map(instructors.map((i) => [i.id, { name: instructorName(i), colour: i.colour, agencyId: i.agency_id }])),
    [instructors],
  );
  const studentNames = useMemo(() => new Map(students.map((s) => [s.id, studentName(s)])), [students]);
  const plates = useMemo(() => new Map(vehicles.map((v) => [v.id, v.plate])), [vehicles]);
  const agencyById = useMemo(() => new Map(agencies.map((a) => [a.id, a])), [agencies]);

  const error = instructorsQuery.error ?? vehiclesQuery.error ?? studentsQuery.error ?? agenciesQuery.error ?? null;
  const ready = !(instructorsQuery.isLoading || vehiclesQuery.isLoading || studentsQuery.isLoading || agenciesQuery.isLoading);
  return {
    instructors,
    vehicles,
    students,
    agencies,
    instructorInfo,
    studentNames,
    plates,
    agencyById,
    ready,
    error,
    refetch: () => {
      void instructorsQuery.refetch();
      if (role !== 'STUDENT') void vehiclesQuery.refetch();
      void studentsQuery.refetch();
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
