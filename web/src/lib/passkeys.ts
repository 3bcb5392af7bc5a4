/**
 * Passkeys (WebAuthn) in the browser: the only place that calls `navigator.credentials`. The server sends the options
 * in WebAuthn's JSON form (`{publicKey: …}`, base64url strings); the browser's JSON helpers turn them into what
 * `create` / `get` take, and `toJSON()` turns the answer back into what the server reads.
 *
 * Browsers refuse WebAuthn on an IP address: a server reached on a loopback address is `localhost` as a relying party,
 * so passkeys work on `http://localhost:PORT`, not on `http://127.0.0.1:PORT` (where the buttons are not offered).
 */

/** Why the browser gave no passkey: the person closed the dialog (or it timed out), the key exists already, or else. */
export type PasskeyFailure = 'cancelled' | 'exists' | 'failed';

/** The browser's side of a passkey ceremony failed (the API's refusals stay ApiErrors). */
export class PasskeyError extends Error {
  readonly reason: PasskeyFailure;

  constructor(reason: PasskeyFailure, cause?: unknown) {
    super(`passkey: ${reason}`, { cause });
    this.name = 'PasskeyError';
    this.reason = reason;
  }
}

/** `PublicKeyCredential.toJSON()`: what the server reads as `credential`. */
export type CredentialJson = Record<string, unknown>;

/** Whether `hostname` is an IP address, which browsers refuse as a relying party (WebAuthn fails there, always). */
export function isIpAddress(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[');
}

/** This page at `localhost`, when it is opened on a loopback address (127.0.0.1, [::1]): where passkeys work. */
export function localhostAddress(location: { hostname: string; href: string } = window.location): string | null {
  if (!/^127(\.\d{1,3}){3}$/.test(location.hostname) && location.hostname !== '[::1]') return null;
  const url = new URL(location.href);
  url.hostname = 'localhost';
  return url.href;
}

/**
 * Whether passkeys can work here: the browser has the JSON helpers (Chrome 129, Firefox 119, Safari 18.4 and later),
 * and the page is not opened on an IP address.
 */
export function passkeysSupported(): boolean {
  if (isIpAddress(window.location.hostname)) return false;
  // Older browsers lack some of these: the DOM typings say they are always there.
  const helpers = (globalThis as { PublicKeyCredential?: Partial<typeof PublicKeyCredential> }).PublicKeyCredential;
  const container = navigator.credentials as Partial<CredentialsContainer> | undefined;
  return (
    typeof helpers?.parseCreationOptionsFromJSON === 'function' &&
    typeof helpers.parseRequestOptionsFromJSON === 'function' &&
    typeof container?.create === 'function' &&
    typeof container.get === 'function'
  );
}

/** The `publicKey` member of a ceremony's options, as the server sends them. */
function publicKeyOf(options: unknown): unknown {
  if (typeof options === 'object' && options !== null && 'publicKey' in options) return options.publicKey;
  throw new PasskeyError('failed');
}

/**
 * What the browser threw, as a PasskeyError: `NotAllowedError` is the person cancelling (or the dialog timing out: the
 * two are not told apart, on purpose), `InvalidStateError` on creation is an authenticator that already holds a key
 * of this account (the server lists them in `excludeCredentials`); anything else is a generic failure.
 */
function asPasskeyError(error: unknown, creating: boolean): PasskeyError {
  if (error instanceof PasskeyError) return error;
  const name = typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string' ? error.name : '';
  if (name === 'NotAllowedError' || name === 'AbortError') return new PasskeyError('cancelled', error);
  if (creating && name === 'InvalidStateError') return new PasskeyError('exists', error);
  return new PasskeyError('failed', error);
}

function toJson(credential: Credential | null): CredentialJson {
  if (credential === null || !('toJSON' in credential) || typeof credential.toJSON !== 'function') {
    throw new PasskeyError('failed');
  }
  return (credential as PublicKeyCredential).toJSON() as CredentialJson;
}

/**
 * Asks the browser for a login with a passkey it finds itself (discoverable: no `allowCredentials`, no e-mail typed).
 * Throws a PasskeyError when no passkey came back.
 */
export async function getPasskey(options: unknown): Promise<CredentialJson> {
  try {
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(publicKeyOf(options) as PublicKeyCredentialRequestOptionsJSON);
    return toJson(await navigator.credentials.get({ publicKey }));
  } catch (error) {
    throw asPasskeyError(error, false);
  }
}

/**
 * Asks the browser to create a passkey with the server's creation options. Throws a PasskeyError when none was made.
 *
 * The login finds keys without an e-mail (discoverable credentials), so the key must be stored on the authenticator:
 * `residentKey` is asked as required whatever the options say (the server does not check it, and a phone's or a
 * computer's passkey is discoverable anyway; a security key would otherwise keep none).
 */
export async function createPasskey(options: unknown): Promise<CredentialJson> {
  try {
    const json = publicKeyOf(options) as PublicKeyCredentialCreationOptionsJSON;
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON({
      ...json,
      authenticatorSelection: { ...json.authenticatorSelection, residentKey: 'required', requireResidentKey: true },
    });
    return toJson(await navigator.credentials.create({ publicKey }));
  } catch (error) {
    throw asPasskeyError(error, true);
  }
}
