/**
 * A student's CPF dossier (the office follows on EDOF, which has no API, and enters each status here): types derived
 * from the operations, the query (null when the student has none), and the form's values and body.
 */
import type { TFunction } from 'i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { ALERTS_KEY, cpfKey } from '../../api/keys.ts';
import { ApiError } from '../../api/problem.ts';
import type { paths } from '../../api/schema';
import { optional } from '../../lib/formErrors.ts';
import { eurosInput, parseEuros } from '../../lib/money.ts';

export type CpfDossier = ResponseBody<'/api/v1/students/{id}/cpf', 'get', 200>;
export type CpfStatus = CpfDossier['status'];
/** A whole dossier (to open one); a change is the same with the `version` read (a merge patch). */
export type CpfInput = NonNullable<paths['/api/v1/students/{id}/cpf']['patch']>['requestBody']['content']['application/json'];

/** The statuses on EDOF, in their order; "cancelled" apart. */
export const CPF_STEPS: readonly CpfStatus[] = ['submitted', 'accepted', 'in_training', 'service_done', 'invoiced', 'paid'];
export const CPF_STATUSES: readonly CpfStatus[] = [...CPF_STEPS, 'cancelled'];

/** The student's dossier, or null when they have none (404). */
export function useCpfDossier(studentId: string) {
  return useQuery({
    queryKey: cpfKey(studentId),
    queryFn: async (): Promise<CpfDossier | null> => {
      try {
        return await unwrap(api.GET('/api/v1/students/{id}/cpf', { params: { path: { id: studentId } } }));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}

/** Opens the dossier (`version` null) or changes it (a merge patch with the version read). */
export function saveCpf(studentId: string, input: CpfInput, version: number | null): Promise<CpfDossier> {
  // The operation's body type names the fields of a whole dossier; a change adds the version it was read at.
  const body: CpfInput & { version?: number } = version === null ? input : { ...input, version };
  return unwrap(api.PATCH('/api/v1/students/{id}/cpf', { params: { path: { id: studentId } }, body }));
}

/** After a save: the dossier as answered, and the alerts (a dossier stuck no longer, or newly). */
export function useCpfSaved(studentId: string) {
  const queryClient = useQueryClient();
  return {
    saved: (dossier: CpfDossier) => {
      queryClient.setQueryData(cpfKey(studentId), dossier);
      void queryClient.invalidateQueries({ queryKey: ALERTS_KEY });
    },
    reload: () => void queryClient.invalidateQueries({ queryKey: cpfKey(studentId) }),
  };
}

export interface CpfValues {
  edof_number: string;
  /** Euros, as typed. */
  amount: string;
  co_financing: string;
  job_seeker: boolean;
  note: string;
  /** The status a new dossier starts in (EDOF may be ahead when it is entered late). */
  status: CpfStatus;
}

export function cpfValues(dossier: CpfDossier | null): CpfValues {
  return {
    edof_number: dossier?.edof_number ?? '',
    amount: dossier ? eurosInput(dossier.amount_cents) : '',
    co_financing: dossier && dossier.co_financing_cents > 0 ? eurosInput(dossier.co_financing_cents) : '',
    job_seeker: dossier?.job_seeker ?? false,
    note: dossier?.note ?? '',
    status: dossier?.status ?? 'submitted',
  };
}

/** The client's checks (the server makes the same): a number, amounts in euros. */
export function validateCpf(values: CpfValues, t: TFunction): Record<string, string> {
  const errors: Record<string, string> = {};
  if (values.edof_number.trim() === '') errors.edof_number = t('validation.required');
  if (parseEuros(values.amount) === null) errors.amount = t('billing.cpf.form.amountInvalid');
  if (values.co_financing.trim() !== '' && parseEuros(values.co_financing) === null) errors.co_financing = t('billing.cpf.form.amountInvalid');
  return errors;
}

/** The body of the form (the status only for a new dossier: a dossier's status moves with its buttons), or null. */
export function cpfBody(values: CpfValues, isNew: boolean): CpfInput | null {
  const amount = parseEuros(values.amount);
  const coFinancing = values.co_financing.trim() === '' ? 0 : parseEuros(values.co_financing);
  if (amount === null || coFinancing === null) return null;
  return {
    edof_number: values.edof_number.trim(),
    amount_cents: amount,
    co_financing_cents: coFinancing,
    job_seeker: values.job_seeker,
    note: optional(values.note),
    ...(isNew ? { status: values.status } : {}),
  };
}
