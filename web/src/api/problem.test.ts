import i18n from '../i18n/index.ts';
import { ApiError, errorMessage, parseRetryAfter, toApiError } from './problem.ts';
import { api, setCsrfToken, unwrap } from './client.ts';
import { jsonResponse, mockFetch, problemResponse } from '../test/render.tsx';

const t = i18n.t.bind(i18n);

describe('problem+json mapping', () => {
  it('keeps the fields of a problem', () => {
    const error = toApiError(400, {
      type: 'https://volant.example/problems/validation',
      title: 'Requête invalide',
      status: 400,
      detail: 'Certains champs sont invalides.',
      errors: [
        { field: 'email', message: 'Adresse e-mail invalide.' },
        { field: 'email', message: 'second message ignored' },
        { field: 'guardian.phone', message: 'Numéro invalide.' },
        { nonsense: true },
      ],
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.problem.errors).toEqual([
      { field: 'email', message: 'Adresse e-mail invalide.' },
      { field: 'email', message: 'second message ignored' },
      { field: 'guardian.phone', message: 'Numéro invalide.' },
    ]);
    expect(errorMessage(error, t)).toBe('Certains champs sont invalides.');
  });

  it('keeps conflicts, rules and current', () => {
    const error = toApiError(412, { status: 412, current: { version: 4 }, conflicts: [{ lesson_id: 'x' }], rules: [{ code: 'age' }] });
    expect(error.problem.current).toEqual({ version: 4 });
    expect(error.problem.conflicts).toEqual([{ lesson_id: 'x' }]);
    expect(error.problem.rules).toEqual([{ code: 'age' }]);
  });

  it('falls back to a French message by status when there is no detail', () => {
    expect(errorMessage(toApiError(403, null), t)).toBe("Vous n'avez pas accès à cette fonction.");
    expect(errorMessage(toApiError(412, 'not json'), t)).toMatch(/modifiées entre-temps/);
    expect(errorMessage(toApiError(503, {}), t)).toMatch(/serveur/);
    expect(errorMessage(new ApiError({ status: 0 }), t)).toMatch(/Impossible de joindre le serveur/);
    expect(errorMessage(new Error('boom'), t)).toMatch(/inattendue/);
  });

  it('reads Retry-After on 429', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(30);
    expect(errorMessage(toApiError(429, {}, '600'), t)).toBe('Trop de tentatives. Réessayez dans 10 minutes.');
    expect(errorMessage(toApiError(429, {}, '30'), t)).toBe('Trop de tentatives. Réessayez dans 1 minute.');
    expect(errorMessage(toApiError(429, { detail: 'Trop de tentatives de connexion.' }, '30'), t)).toBe(
      'Trop de tentatives de connexion.',
    );
  });
});

describe('api client', () => {
  afterEach(() => setCsrfToken(null));

  it('throws an ApiError carrying the problem, status and Retry-After', async () => {
    mockFetch({
      'POST /api/v1/auth/login': () =>
        problemResponse(429, { detail: 'Trop de tentatives. Réessayez dans 15 minutes.' }, { 'Retry-After': '900' }),
    });
    const error: unknown = await unwrap(api.POST('/api/v1/auth/login', { body: { email: 'a@b.fr', password: 'x' } })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).retryAfter).toBe(900);
    expect((error as ApiError).message).toBe('Trop de tentatives. Réessayez dans 15 minutes.');
  });

  it('turns a network failure into status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    const error: unknown = await unwrap(api.GET('/api/v1/me')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(0);
  });

  it('sends X-CSRF-Token on state-changing requests only', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/users': () => jsonResponse(200, { items: [], next_cursor: null }),
      'PATCH /api/v1/users/u1': () =>
        jsonResponse(200, { id: 'u1', email: 'a@b.fr', display_name: 'A', role: 'ADMIN', active: true, version: 2 }),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
    });
    setCsrfToken('tok-1');
    await unwrap(api.GET('/api/v1/users'));
    await unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id: 'u1' } }, body: { active: true, version: 1 } }));
    await unwrap(api.POST('/api/v1/auth/logout'));
    expect(calls.map((r) => [r.method, r.headers.get('X-CSRF-Token')])).toEqual([
      ['GET', null],
      ['PATCH', 'tok-1'],
      ['POST', 'tok-1'],
    ]);
    expect(calls[0]?.credentials).toBe('same-origin');
  });
});
