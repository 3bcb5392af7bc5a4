import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Input,
  List,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { ApiError, errorMessage, fieldErrors } from '../../api/problem.ts';
import { useCurrentSession } from '../../api/session.ts';
import { formatCalendarDate, formatDate } from '../../lib/format.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { LoadError } from '../../shell/LoadError.tsx';
import { PageLoader } from '../../shell/PageLoader.tsx';
import {
  DOCUMENT_KINDS,
  STUDENTS_KEY,
  documentFileUrl,
  documentsKey,
  type CheckStatus,
  type DocumentKind,
  type Student,
} from './api.ts';
import { ACCEPT_ATTRIBUTE, fileProblem, sizeParts, uploadDocument, type UploadValues } from './upload.ts';
import { ScrollTable } from '../../components/ScrollTable.tsx';

const CHECK_COLOR: Record<CheckStatus, string> = { ok: 'green', missing: 'red', expired: 'orange', not_required: 'gray' };

/** The "Documents" tab: the checklist, the documents (with download links) and the upload form. */
export function DocumentsPanel({ student, canUpload }: { student: Student; canUpload: boolean }) {
  const { t } = useTranslation();
  const docs = useQuery({
    queryKey: documentsKey(student.id),
    queryFn: () => unwrap(api.GET('/api/v1/students/{id}/documents', { params: { path: { id: student.id } } })),
  });
  const size = (bytes: number) => {
    const { unit, value } = sizeParts(bytes);
    return t(`students.documents.${unit}`, { value });
  };
  const zone = useCurrentSession().tenant.timezone;
  const kindLabel = (raw: string) => {
    const kind = DOCUMENT_KINDS.find((k) => k === raw);
    return kind ? t(`students.documents.kinds.${kind}`) : raw;
  };

  if (docs.isPending) return <PageLoader />;
  if (docs.isError) return <LoadError error={docs.error} onRetry={() => void docs.refetch()} />;
  const { checklist, items } = docs.data;

  return (
    <Stack gap="lg">
      <Card withBorder padding="lg">
        <Title order={2} size="h3" mb="md">
          {t('students.documents.checklist')}
        </Title>
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
      </Card>

      <Card withBorder padding="lg">
        <Title order={2} size="h3" mb="md">
          {t('students.documents.list')}
        </Title>
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
      </Card>

      {canUpload && <UploadCard studentId={student.id} sizeLabel={size} />}
    </Stack>
  );
}

function UploadCard({ studentId, sizeLabel }: { studentId: string; sizeLabel: (bytes: number) => string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const zoneId = useId();
  const [kind, setKind] = useState<DocumentKind | null>(null);
  const [issuedOn, setIssuedOn] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const upload = useMutation({
    mutationFn: (values: UploadValues) => uploadDocument(studentId, values),
    onSuccess: (doc) => {
      notifySuccess(t('students.documents.uploaded', { name: doc.file_name }));
      setFile(null);
      setIssuedOn('');
      setExpiresOn('');
      setErrors({});
      if (inputRef.current) inputRef.current.value = '';
      void queryClient.invalidateQueries({ queryKey: documentsKey(studentId) });
      void queryClient.invalidateQueries({ queryKey: [...STUDENTS_KEY, 'history', studentId] });
    },
    onError: (error) => {
      const fields = fieldErrors(error);
      if (error instanceof ApiError && error.status === 413) fields.file = t('students.documents.tooLarge');
      setErrors(fields);
    },
  });

  const choose = (chosen: File | null | undefined) => {
    if (!chosen) return;
    const problem = fileProblem(chosen);
    setErrors((current) => {
      const next = { ...current };
      delete next.file;
      if (problem) next.file = t(`students.documents.${problem}`);
      return next;
    });
    setFile(problem ? null : chosen);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  };

  const submit = () => {
    const next: Record<string, string> = {};
    if (!kind) next.kind = t('validation.required');
    if (!file) next.file = errors.file ?? t('students.documents.noFile');
    setErrors(next);
    if (kind && file) upload.mutate({ kind, issuedOn, expiresOn, file });
  };

  const fileError = errors.file;
  const unexpected = upload.isError && Object.keys(fieldErrors(upload.error)).length === 0 && !(upload.error instanceof ApiError && upload.error.status === 413);

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h3" mb={4}>
        {t('students.documents.upload')}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {t('students.documents.uploadHint')}
      </Text>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
        noValidate
      >
        <Stack gap="md">
          {unexpected && (
            <Alert color="red" role="alert">
              {errorMessage(upload.error, t)}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select
              label={t('students.documents.kind')}
              required
              data={DOCUMENT_KINDS.map((value) => ({ value, label: t(`students.documents.kinds.${value}`) }))}
              value={kind}
              onChange={(value) => setKind(DOCUMENT_KINDS.find((k) => k === value) ?? null)}
              error={errors.kind}
            />
            <TextInput
              label={t('students.documents.issuedOnOptional')}
              type="date"
              value={issuedOn}
              onChange={(event) => setIssuedOn(event.currentTarget.value)}
              error={errors.issued_on}
            />
            <TextInput
              label={t('students.documents.expiresOnOptional')}
              type="date"
              value={expiresOn}
              onChange={(event) => setExpiresOn(event.currentTarget.value)}
              error={errors.expires_on}
            />
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
    </Card>
  );
}
