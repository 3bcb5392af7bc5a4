import { onTestFinished, vi } from 'vitest';

/** What a stubbed `navigator.credentials.create` / `.get` answers: something with `toJSON()`, as a credential has. */
export function fakeCredential(json: Record<string, unknown>): Credential {
  return { id: String(json.id), type: 'public-key', toJSON: () => json } as unknown as Credential;
}

/**
 * Stubs the browser's passkey API, which jsdom lacks: PublicKeyCredential's JSON helpers (they wrap the JSON, so that
 * a test sees what reached `create` / `get`) and `navigator.credentials`. Undone when the test ends.
 */
export function stubWebAuthn() {
  const parseRequestOptionsFromJSON = vi.fn((json: unknown) => ({ parsed: 'request', json }));
  const parseCreationOptionsFromJSON = vi.fn((json: unknown) => ({ parsed: 'creation', json }));
  const get = vi.fn<(options?: CredentialRequestOptions) => Promise<Credential | null>>();
  const create = vi.fn<(options?: CredentialCreationOptions) => Promise<Credential | null>>();
  vi.stubGlobal('PublicKeyCredential', { parseRequestOptionsFromJSON, parseCreationOptionsFromJSON });
  Object.defineProperty(navigator, 'credentials', { configurable: true, value: { get, create } });
  onTestFinished(() => {
    Reflect.deleteProperty(navigator, 'credentials');
  });
  return { get, create, parseRequestOptionsFromJSON, parseCreationOptionsFromJSON };
}

/** The error a browser throws when the person closes its passkey dialog, or lets it time out. */
export function notAllowed(): DOMException {
  return new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError');
}
