import { createPasskey, getPasskey, isIpAddress, localhostAddress, PasskeyError, passkeysSupported } from './passkeys.ts';
import { fakeCredential, notAllowed, stubWebAuthn } from '../test/webauthn.ts';

const request = { publicKey: { challenge: 'Y2hhbGxlbmdl', rpId: 'localhost', userVerification: 'required' } };
const creation = {
  publicKey: {
    challenge: 'Y2hhbGxlbmdl',
    rp: { id: 'localhost', name: 'Volant' },
    user: { id: 'dXNlcg', name: 'eleve@demo.volant.test', displayName: 'Léa Martin' },
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  },
};

/** The reason of the PasskeyError `promise` rejects with. */
async function reason(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PasskeyError);
  return (error as PasskeyError).reason;
}

describe('passkeys', () => {
  it('are supported only with the JSON helpers and navigator.credentials', () => {
    // jsdom: no WebAuthn at all.
    expect(passkeysSupported()).toBe(false);
    stubWebAuthn();
    expect(passkeysSupported()).toBe(true);
    // An older browser: WebAuthn, but not the JSON helpers.
    vi.stubGlobal('PublicKeyCredential', {});
    expect(passkeysSupported()).toBe(false);
  });

  it('are not offered on an IP address, which browsers refuse; a loopback one has its localhost twin', () => {
    expect(isIpAddress('127.0.0.1')).toBe(true);
    expect(isIpAddress('192.168.1.20')).toBe(true);
    expect(isIpAddress('[::1]')).toBe(true);
    expect(isIpAddress('localhost')).toBe(false);
    expect(isIpAddress('volant.example.fr')).toBe(false);
    expect(localhostAddress(new URL('http://127.0.0.1:8080/mon-compte?x=1'))).toBe('http://localhost:8080/mon-compte?x=1');
    expect(localhostAddress(new URL('http://[::1]:8080/mon-compte'))).toBe('http://localhost:8080/mon-compte');
    expect(localhostAddress(new URL('http://192.168.1.20:8080/'))).toBeNull();
    expect(localhostAddress(new URL('https://volant.example.fr/'))).toBeNull();
  });

  it('get: the request options parsed, the credential as JSON', async () => {
    const webauthn = stubWebAuthn();
    webauthn.get.mockResolvedValue(fakeCredential({ id: 'Y3JlZC0x', type: 'public-key' }));
    expect(await getPasskey(request)).toEqual({ id: 'Y3JlZC0x', type: 'public-key' });
    expect(webauthn.get).toHaveBeenCalledWith({ publicKey: { parsed: 'request', json: request.publicKey } });
  });

  it('create: asks for a discoverable key whatever the options say', async () => {
    const webauthn = stubWebAuthn();
    webauthn.create.mockResolvedValue(fakeCredential({ id: 'Y3JlZC0x', type: 'public-key' }));
    expect(await createPasskey(creation)).toEqual({ id: 'Y3JlZC0x', type: 'public-key' });
    expect(webauthn.parseCreationOptionsFromJSON).toHaveBeenCalledWith({
      ...creation.publicKey,
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true },
    });
  });

  it('maps what the browser throws: cancelled, already there, anything else', async () => {
    const webauthn = stubWebAuthn();
    webauthn.get.mockRejectedValueOnce(notAllowed());
    expect(await reason(getPasskey(request))).toBe('cancelled');
    webauthn.get.mockRejectedValueOnce(new DOMException('This is an invalid domain.', 'SecurityError'));
    expect(await reason(getPasskey(request))).toBe('failed');
    webauthn.get.mockResolvedValueOnce(null);
    expect(await reason(getPasskey(request))).toBe('failed');
    // Options without `publicKey`: nothing reaches the browser.
    expect(await reason(getPasskey({}))).toBe('failed');
    expect(webauthn.get).toHaveBeenCalledTimes(3);

    webauthn.create.mockRejectedValueOnce(new DOMException('The user attempted to register an authenticator that contains one of the credentials already registered with the relying party.', 'InvalidStateError'));
    expect(await reason(createPasskey(creation))).toBe('exists');
    webauthn.create.mockRejectedValueOnce(notAllowed());
    expect(await reason(createPasskey(creation))).toBe('cancelled');
    webauthn.parseCreationOptionsFromJSON.mockImplementationOnce(() => {
      throw new TypeError('Failed to execute parseCreationOptionsFromJSON');
    });
    expect(await reason(createPasskey(creation))).toBe('failed');
  });
});
