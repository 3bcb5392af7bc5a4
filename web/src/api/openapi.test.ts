import spec from '../../openapi.json';

// openapi-typescript keys `operations` by operationId: two operations with the same id (e.g. `list`) collapse into
// one, and the client silently gets the wrong response type. OpenAPI requires them unique anyway.
describe('openapi.json', () => {
  it('has unique operationIds', () => {
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, { operationId?: string }>>)) {
      for (const [method, op] of Object.entries(item)) {
        const id = op.operationId;
        if (id === undefined) continue;
        const where = `${method.toUpperCase()} ${path}`;
        const first = seen.get(id);
        if (first !== undefined) duplicates.push(`"${id}": ${first} and ${where}`);
        else seen.set(id, where);
      }
    }
    expect(duplicates, 'give each #[utoipa::path] a unique operation_id').toEqual([]);
  });

  it('describes the endpoints under /api/v1', () => {
    expect(Object.keys(spec.paths)).toContain('/api/v1/me');
  });
});
