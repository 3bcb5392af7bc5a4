import type { ReactNode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { useForm } from '@mantine/form';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from '../api/problem.ts';
import { useApiForm, type ApiFormOptions } from './useApiForm.ts';

interface Values {
  name: string;
  rooms: { capacity: number }[];
}

type Body = { name: string };

function wrapper({ children }: { children: ReactNode }) {
  const queryClient = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

/** A form with a required name, sent with `options`. */
function renderApiForm(options: ApiFormOptions<Body, string>) {
  return renderHook(
    () => {
      const form = useForm<Values>({
        mode: 'controlled',
        initialValues: { name: 'Tours', rooms: [{ capacity: 12 }] },
        validate: { name: (value) => (value === '' ? 'Obligatoire' : null) },
      });
      return { form, save: useApiForm(form, options) };
    },
    { wrapper },
  );
}

const refused = (status: number, errors: { field: string; message: string }[] = []) =>
  new ApiError({ status, detail: 'Refusé.', errors });

describe('useApiForm', () => {
  it('validates, sends what toVars makes of the values, then calls onSuccess', async () => {
    const mutationFn = vi.fn((body: Body) => Promise.resolve(`saved ${body.name}`));
    const onSuccess = vi.fn();
    const { result } = renderApiForm({ mutationFn, onSuccess });

    act(() => result.current.save.onSubmit((values) => ({ name: values.name.toUpperCase() }))());

    await waitFor(() => expect(onSuccess).toHaveBeenCalledWith('saved TOURS', { name: 'TOURS' }));
    expect(mutationFn.mock.calls[0]?.[0]).toEqual({ name: 'TOURS' });
    expect(result.current.save.failure).toBeNull();
  });

  it('sends nothing when the form is invalid or toVars gives null', () => {
    const mutationFn = vi.fn(() => Promise.resolve('x'));
    const { result } = renderApiForm({ mutationFn });

    act(() => result.current.save.onSubmit(() => null)());
    act(() => result.current.form.setFieldValue('name', ''));
    act(() => result.current.save.onSubmit((values) => values)());

    expect(mutationFn).not.toHaveBeenCalled();
    expect(result.current.form.errors).toEqual({ name: 'Obligatoire' });
  });

  it('puts the server field errors under the fields (renamed, indexed) and keeps the refusal to show', async () => {
    const error = refused(400, [
      { field: 'label', message: 'Nom déjà pris.' },
      { field: 'rooms[0].capacity', message: 'Trop de places.' },
    ]);
    const onError = vi.fn();
    const { result } = renderApiForm({ mutationFn: () => Promise.reject(error), rename: { label: 'name' }, onError });

    act(() => result.current.save.onSubmit((values) => values)());

    await waitFor(() => expect(result.current.save.failure).toBe(error));
    expect(result.current.form.errors).toEqual({ name: 'Nom déjà pris.', 'rooms.0.capacity': 'Trop de places.' });
    expect(onError).toHaveBeenCalledWith(error, { name: 'Tours', rooms: [{ capacity: 12 }] });
    expect(result.current.save.stale).toBe(false);
  });

  it('hands a 412 to onStale instead of the form', async () => {
    const error = refused(412, [{ field: 'name', message: 'Ignoré.' }]);
    const onStale = vi.fn();
    const onError = vi.fn();
    const { result } = renderApiForm({ mutationFn: () => Promise.reject(error), onStale, onError });

    act(() => result.current.save.onSubmit((values) => values)());

    await waitFor(() => expect(result.current.save.stale).toBe(true));
    expect(onStale).toHaveBeenCalledWith(error);
    expect(onError).not.toHaveBeenCalled();
    expect(result.current.save.failure).toBeNull();
    expect(result.current.form.errors).toEqual({});
  });

  it('shows a 412 like any refusal when nothing handles it', async () => {
    const error = refused(412);
    const { result } = renderApiForm({ mutationFn: () => Promise.reject(error) });

    act(() => result.current.save.onSubmit((values) => values)());

    await waitFor(() => expect(result.current.save.failure).toBe(error));
    expect(result.current.save.stale).toBe(true);
  });
});
