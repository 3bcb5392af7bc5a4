import { Anchor, Badge, Box, Button, Group, Input, List, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { documentsKey, historyKey } from '../../api/keys.ts';
import { ApiError } from '../../api/problem.ts';
import { useCurrentSession } from '../../api/session.ts';
import { FormError } from '../../components/FormError.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { ScrollTable } from '../../components/ScrollTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatCalendarDate, formatDate } from '../../lib/format.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { DOCUMENT_KINDS, documentFileUrl, type CheckStatus, type DocumentKind, type Documents, type Student } from './api.ts';
import { ACCEPT_ATTRIBUTE, fileProblem, sizeParts, uploadDocument, type UploadValues } from './upload.ts';

const CHECK_COLOR: Record<CheckStatus, string> = { ok: 'green', missing: 'red', expired: 'orange', not_required: 'gray' };

/** The "Documents" tab: the checklist, the documents (with download links) and the upload form. */
export function DocumentsPanel({ student, canUpload }: { student: Student; canUpload: boolean }) {
  const docs = useQuery({
    queryKey: documentsKey(student.id),
    queryFn: () => unwrap(api.GET('/api/v1/students/{id}/documents', { params: { path: { id: student.id } } })),
  });
  return <QueryView query={docs}>{(data) => <DocumentsView student={student} documents={data} canUpload={canUpload} />}</QueryView>;
}

function DocumentsView({ student, documents, canUpload }: { student: Student; documents: Documents; canUpload: boolean }) {
  const { t } = useTranslation();
  const size = (bytes: number) => {
    const { unit, value } = sizeParts(bytes);
    return t(`students.documents.${unit}`, { value });
  };
  const zone = useCurrentSession().tenant.timezone;
  const kindLabel = (raw: string) => {
    const kind = DOCUMENT_KINDS.find((k) => k === raw);
    return kind ? t(`students.documents.kinds.${kind}`) : raw;
  };

  const { checklist, items } = documents;

  return (
    <Stack gap="lg">
      <SectionCard title={t('students.documents.checklist')}>
        <List listStyleType="none" spacing="sm" aria-label={t('students.documents.checklistLabel')} data-testid="checklist">
          {checklist.map((item) => (
            <List.Item key={item.kind} data-kind={item.kind} data-status={item.status}>
              <Group gap="sm" wrap="nowrap" align="flex-start">
                <Badge color={CHECK_COLOR[item.status]} variant="light" style={{ minWidth: 'max-content' }}>
                  {t(`students.documents.checkStatuses.${item.status}`)}
                </Badge>
                <div>
                  <Text fw={500}>{item.label}</Text>
                  {item.message && (
                    <Text size="sm" c="dimmed">
                      {item.message}
                    </Text>
                  )}
                </div>
              </Group>
            </List.Item>
          ))}
        </List>
      </SectionCard>

      <SectionCard title={t('students.documents.list')}>
        {items.length === 0 ? (
          <Text c="dimmed">{t('students.documents.empty')}</Text>
        ) : (
          <ScrollTable label={t('students.documents.list')} minWidth={640}>
            <Table striped verticalSpacing="sm" data-testid="documents-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('students.documents.kind')}</Table.Th>
                  <Table.Th scope="col">{t('students.documents.file')}</Table.Th>
                  <Table.Th scope="col">{t('students.documents.issuedOn')}</Table.Th>
                  <Table.Th scope="col">{t('students.documents.expiresOn')}</Table.Th>
                  <Table.Th scope="col">{t('students.documents.addedOn')}</Table.Th>
                  <Table.Th scope="col">{t('students.documents.size')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((doc) => (
                  <Table.Tr key={doc.id} c={doc.replaced_at ? 'dimmed' : undefined}>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <span>{kindLabel(doc.kind)}</span>
                        {doc.replaced_at && (
                          <Badge color="gray" variant="outline" size="sm">
                            {t('students.documents.replaced')}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Anchor
                        href={documentFileUrl(student.id, doc.id)}
                        download={doc.file_name}
                        aria-label={t('students.documents.downloadOf', { name: doc.file_name })}
                        style={{ wordBreak: 'break-all' }}
                      >
                        {doc.file_name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{doc.issued_on ? formatCalendarDate(doc.issued_on) : t('common.none')}</Table.Td>
                    <Table.Td>{doc.expires_on ? formatCalendarDate(doc.expires_on) : t('common.none')}</Table.Td>
                    <Table.Td>{formatDate(doc.created_at, zone)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{size(doc.size_bytes)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
      </SectionCard>

      {canUpload && <UploadCard studentId={student.id} sizeLabel={size} />}
    </Stack>
  );
}

interface UploadFormValues {
  kind: DocumentKind | null;
  issuedOn: string;
  expiresOn: string;
  file: File | null;
}

function UploadCard({ studentId, sizeLabel }: { studentId: string; sizeLabel: (bytes: number) => string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const zoneId = useId();
  const [dragging, setDragging] = useState(false);
  const form = useForm<UploadFormValues>({
    mode: 'controlled',
    initialValues: { kind: null, issuedOn: '', expiresOn: '', file: null },
    validate: {
      kind: (value) => (value ? null : t('validation.required')),
      file: (value) => (value ? null : t('students.documents.noFile')),
    },
  });
  const upload = useApiForm(form, {
    mutationFn: (values: UploadValues) => uploadDocument(studentId, values),
    onSuccess: (doc) => {
      notifySuccess(t('students.documents.uploaded', { name: doc.file_name }));
      // The kind stays: several documents of a kind (both sides of an ID) follow one another.
      form.setValues({ issuedOn: '', expiresOn: '', file: null });
      if (inputRef.current) inputRef.current.value = '';
      void queryClient.invalidateQueries({ queryKey: documentsKey(studentId) });
      void queryClient.invalidateQueries({ queryKey: historyKey(studentId) });
    },
    rename: { issued_on: 'issuedOn', expires_on: 'expiresOn' },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 413) form.setFieldError('file', t('students.documents.tooLarge'));
    },
  });
  const toUpload = ({ kind, issuedOn, expiresOn, file }: UploadFormValues): UploadValues | null =>
    kind && file ? { kind, issuedOn, expiresOn, file } : null;

  const choose = (chosen: File | null | undefined) => {
    if (!chosen) return;
    const problem = fileProblem(chosen);
    form.setFieldValue('file', problem ? null : chosen);
    form.setFieldError('file', problem ? t(`students.documents.${problem}`) : null);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  };

  const fileError = form.errors.file;
  const file = form.values.file;

  return (
    <SectionCard title={t('students.documents.upload')} hint={t('students.documents.uploadHint')}>
      <form onSubmit={upload.onSubmit(toUpload)} noValidate>
        <Stack gap="md">
          <FormError error={upload.failure} />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select
              label={t('students.documents.kind')}
              required
              data={DOCUMENT_KINDS.map((value) => ({ value, label: t(`students.documents.kinds.${value}`) }))}
              {...form.getInputProps('kind')}
              onChange={(value) => form.setFieldValue('kind', DOCUMENT_KINDS.find((k) => k === value) ?? null)}
            />
            <TextInput label={t('students.documents.issuedOnOptional')} type="date" {...form.getInputProps('issuedOn')} />
            <TextInput label={t('students.documents.expiresOnOptional')} type="date" {...form.getInputProps('expiresOn')} />
          </SimpleGrid>
          <Input.Wrapper
            label={t('students.documents.file')}
            labelElement="div"
            required
            error={fileError}
            id={zoneId}
            errorProps={{ id: `${zoneId}-error` }}
          >
            <Box
              data-testid="document-dropzone"
              role="group"
              aria-labelledby={`${zoneId}-label`}
              aria-describedby={fileError ? `${zoneId}-error` : undefined}
              onDragOver={(event) => {
                event.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
              p="lg"
              mt={4}
              style={{
                border: `2px dashed var(--mantine-color-${fileError ? 'red-7' : dragging ? 'blue-6' : 'gray-5'})`,
                borderRadius: 'var(--mantine-radius-md)',
                background: dragging ? 'var(--mantine-color-blue-0)' : undefined,
                textAlign: 'center',
              }}
            >
              <Stack gap="xs" align="center">
                <Text size="sm">{t('students.documents.dropzone')}</Text>
                <Button variant="light" onClick={() => inputRef.current?.click()}>
                  {t('students.documents.chooseFile')}
                </Button>
                <input
                  ref={inputRef}
                  type="file"
                  accept={ACCEPT_ATTRIBUTE}
                  aria-label={t('students.documents.chooseFile')}
                  data-testid="document-file-input"
                  style={{ display: 'none' }}
                  onChange={(event) => choose(event.currentTarget.files?.[0])}
                />
                {file && (
                  <Text size="sm" fw={500} data-testid="chosen-file">
                    {t('students.documents.chosen', { name: file.name, size: sizeLabel(file.size) })}
                  </Text>
                )}
              </Stack>
            </Box>
          </Input.Wrapper>
          <Group justify="flex-end">
            <Button type="submit" loading={upload.isPending}>
              {t('students.documents.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </SectionCard>
  );
}
