/**
 * The document upload form: what the server expects as `multipart/form-data` (`kind`, optional `issued_on` and
 * `expires_on` as `YYYY-MM-DD`, `file`), and the checks done before sending (the server sniffs the bytes anyway).
 */
import { api, unwrap } from '../../api/client.ts';
import type { DocumentKind } from './api.ts';

/** 10 MiB, as on the server. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
export const ACCEPTED_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const ACCEPT_ATTRIBUTE = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

export interface UploadValues {
  kind: DocumentKind;
  issuedOn: string;
  expiresOn: string;
  file: File;
}

export function buildUploadForm({ kind, issuedOn, expiresOn, file }: UploadValues): FormData {
  const form = new FormData();
  form.append('kind', kind);
  if (issuedOn.trim() !== '') form.append('issued_on', issuedOn.trim());
  if (expiresOn.trim() !== '') form.append('expires_on', expiresOn.trim());
  form.append('file', file, file.name);
  return form;
}

/** Why a file cannot be sent, or null. The type is judged by MIME type, else by extension. */
export function fileProblem(file: Pick<File, 'name' | 'size' | 'type'>): 'tooLarge' | 'badType' | null {
  if (file.size > MAX_DOCUMENT_BYTES) return 'tooLarge';
  const type = file.type.toLowerCase();
  if ((ACCEPTED_TYPES as readonly string[]).includes(type)) return null;
  if (type === '' || type === 'application/octet-stream') {
    return /\.(pdf|jpe?g|png)$/i.test(file.name) ? null : 'badType';
  }
  return 'badType';
}

/** Size in French units: "512 o", "12 ko", "1,5 Mo". */
export function sizeParts(bytes: number): { unit: 'bytes' | 'kilobytes' | 'megabytes'; value: string } {
  const fmt = (n: number) => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(n);
  if (bytes < 1024) return { unit: 'bytes', value: fmt(bytes) };
  if (bytes < 1024 * 1024) return { unit: 'kilobytes', value: fmt(Math.round(bytes / 1024)) };
  return { unit: 'megabytes', value: fmt(bytes / (1024 * 1024)) };
}

/** Sends an upload as multipart/form-data (the CSRF header is added by the client's middleware). */
export function uploadDocument(studentId: string, values: UploadValues) {
  const form = buildUploadForm(values);
  return unwrap(
    api.POST('/api/v1/students/{id}/documents', {
      params: { path: { id: studentId } },
      // The typed body lists the form's fields (the OpenAPI types the binary file as a string); what goes on the
      // wire is the FormData, sent without a Content-Type so that the browser adds the multipart boundary.
      body: { kind: values.kind, file: values.file.name },
      bodySerializer: () => form,
    }),
  );
}

