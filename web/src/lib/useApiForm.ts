import type { SyntheticEvent } from 'react';
import type { UseFormReturnType } from '@mantine/form';
import { useMutation, type MutationMeta, type UseMutationResult } from '@tanstack/react-query';
import type { ApiError } from '../api/problem.ts';
import { formErrors, isStale } from './formErrors.ts';

export interface ApiFormOptions<Vars, Result> {
  mutationFn: (vars: Vars) => Promise<Result>;
  onSuccess?: (result: Result, vars: Vars) => void;
  /** After the server's field errors are on the form: what else a refusal changes (a grid's errors, an override). */
  onError?: (error: Error, vars: Vars) => void;
  /** API field names → form paths where they differ (`starts_at` → `starts`). */
  rename?: Record<string, string>;
  /**
   * A 412: someone else saved the record since it was read. Given, this handles it instead of the form (tell, reload,
   * close), since the fields are not what is wrong; without it a 412 is shown like any refusal.
   */
  onStale?: (error: ApiError) => void;
  meta?: MutationMeta;
}

export type ApiForm<Values, Vars, Result> = UseMutationResult<Result, Error, Vars> & {
  /** For `<form onSubmit>`: validates the form, then sends `toVars(values)` (nothing when it gives null). */
  onSubmit: (toVars: (values: Values) => Vars | null) => (event?: SyntheticEvent<HTMLFormElement>) => void;
  /** The refusal to show with the form (its French message, see FormError); null when none or handled by `onStale`. */
  failure: Error | null;
  /** The last save was refused because the record changed meanwhile (412). */
  stale: boolean;
};

/**
 * A @mantine/form form sent with a react-query mutation: the server's field errors (problem+json `errors[]`) land
 * under the fields, the general refusal is `failure`, a 412 goes to `onStale`.
 */
export function useApiForm<Values, Vars, Result>(
  form: UseFormReturnType<Values>,
  { mutationFn, onSuccess, onError, rename, onStale, meta }: ApiFormOptions<Vars, Result>,
): ApiForm<Values, Vars, Result> {
  const mutation = useMutation<Result, Error, Vars>({
    mutationFn,
    meta,
    onSuccess: (result, vars) => onSuccess?.(result, vars),
    onError: (error, vars) => {
      if (onStale && isStale(error)) {
        onStale(error);
        return;
      }
      form.setErrors(formErrors(error, rename));
      onError?.(error, vars);
    },
  });
  const stale = isStale(mutation.error);
  return {
    ...mutation,
    onSubmit: (toVars) =>
      form.onSubmit((values) => {
        const vars = toVars(values);
        if (vars !== null) mutation.mutate(vars);
      }),
    failure: stale && onStale ? null : mutation.error,
    stale,
  };
}
