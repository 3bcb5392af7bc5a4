import { setCsrfToken } from '../../api/client.ts';
import { jsonResponse, mockFetch } from '../../test/render.tsx';
import { buildUploadForm, fileProblem, MAX_DOCUMENT_BYTES, sizeParts, uploadDocument } from './upload.ts';

/** jsdom's File has no text(): read it the old way. */
const readText = (blob: Blob) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(new Error('unreadable'));
    reader.readAsText(blob);
  });

const pdf = () => new File([new TextEncoder().encode('%PDF-1.4\n%test\n')], 'carte.pdf', { type: 'application/pdf' });

describe('the document upload form', () => {
  afterEach(() => setCsrfToken(null));

  it('builds the multipart fields the server reads', async () => {
    const file = pdf();
    const form = buildUploadForm({ kind: 'id_card', issuedOn: '2024-01-15', expiresOn: '2034-01-14', file });
    expect([...form.keys()]).toEqual(['kind', 'issued_on', 'expires_on', 'file']);
    expect(form.get('kind')).toBe('id_card');
    expect(form.get('issued_on')).toBe('2024-01-15');
    expect(form.get('expires_on')).toBe('2034-01-14');
    const sent = form.get('file');
    expect(sent).toBeInstanceOf(File);
    expect((sent as File).name).toBe('carte.pdf');
    expect(await readText(sent as File)).toMatch(/^%PDF-1\.4/);
  });

  it('leaves out the empty dates', () => {
    const form = buildUploadForm({ kind: 'jdc', issuedOn: '', expiresOn: ' ', file: pdf() });
    expect([...form.keys()]).toEqual(['kind', 'file']);
  });

  it('posts the FormData with the CSRF header and the browser’s multipart content type', async () => {
    setCsrfToken('csrf-123');
    const { calls } = mockFetch({
      'POST /api/v1/students/s-1/documents': () =>
        jsonResponse(201, { id: 'd-1', kind: 'id_card', file_name: 'carte.pdf', content_type: 'application/pdf', size_bytes: 15, created_at: '2026-11-24T10:00:00Z' }),
    });
    const doc = await uploadDocument('s-1', { kind: 'id_card', issuedOn: '', expiresOn: '', file: pdf() });
    expect(doc.id).toBe('d-1');
    const request = calls[0];
    expect(request?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(request?.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    // (Under jsdom the file name is lost between jsdom's File and Node's FormData encoder; browsers keep it.)
    const body = (await request?.text()) ?? '';
    expect(body).toMatch(/name="kind"\r\n\r\nid_card\r\n/);
    expect(body).toMatch(/name="file"; filename="[^"]+"\r\nContent-Type: application\/pdf\r\n\r\n%PDF-1\.4/);
    expect(body).not.toMatch(/name="issued_on"/);
  });

  it('refuses too large files and other types before sending', () => {
    expect(fileProblem({ name: 'a.pdf', type: 'application/pdf', size: 1000 })).toBeNull();
    expect(fileProblem({ name: 'a.PNG', type: '', size: 1000 })).toBeNull();
    expect(fileProblem({ name: 'a.jpeg', type: 'image/jpeg', size: MAX_DOCUMENT_BYTES })).toBeNull();
    expect(fileProblem({ name: 'a.pdf', type: 'application/pdf', size: MAX_DOCUMENT_BYTES + 1 })).toBe('tooLarge');
    expect(fileProblem({ name: 'a.docx', type: 'application/msword', size: 10 })).toBe('badType');
    expect(fileProblem({ name: 'a.exe', type: '', size: 10 })).toBe('badType');
  });

  it('gives sizes in French units', () => {
    expect(sizeParts(512)).toEqual({ unit: 'bytes', value: '512' });
    expect(sizeParts(12 * 1024)).toEqual({ unit: 'kilobytes', value: '12' });
    expect(sizeParts(1.5 * 1024 * 1024)).toEqual({ unit: 'megabytes', value: '1,5' });
  });
});
