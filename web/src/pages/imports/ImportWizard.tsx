import {
  Alert,
  Badge,
  Button,
  Checkbox,
  FileInput,
  Group,
  List,
  NativeSelect,
  Radio,
  SimpleGrid,
  Stack,
  Stepper,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { STUDENTS_KEY } from '../../api/keys.ts';
import { FormError } from '../../components/FormError.tsx';
import { ScrollTable } from '../../components/ScrollTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { usePhone } from '../../lib/usePhone.ts';
import { LoadError } from '../../shell/LoadError.tsx';
import { IMPORT_ACCEPT, IMPORT_KINDS, startImport, useJob, type ImportKind, type ImportRequest, type SchoolJob } from './api.ts';
import { JobProgress } from './JobProgress.tsx';
import {
  COUNT_COLOR,
  IGNORE,
  canImport,
  choicesFor,
  errorLines,
  isImportFile,
  needsMapping,
  parseImportReport,
  summarise,
  type ImportReport,
} from './report.ts';

type Phase = 'file' | 'checking' | 'checkFailed' | 'mapping' | 'report' | 'importing' | 'importFailed' | 'done';
const STEPS = ['file', 'columns', 'report', 'import'] as const;

/** Where the wizard is, from the jobs it started: a step of the Stepper, and what that step shows. */
function phaseOf(checkId: string | null, check: SchoolJob | undefined, checkError: boolean, importId: string | null, run: SchoolJob | undefined, runError: boolean): Phase {
  if (importId !== null) {
    if (runError || run?.status === 'failed' || (run?.status === 'done' && !parseImportReport(run.result))) return 'importFailed';
    return run?.status === 'done' ? 'done' : 'importing';
  }
  if (checkId === null) return 'file';
  if (checkError || check?.status === 'failed') return 'checkFailed';
  if (check?.status !== 'done') return 'checking';
  const report = parseImportReport(check.result);
  if (!report) return 'checkFailed';
  return needsMapping(report) ? 'mapping' : 'report';
}

/** The Stepper's active step: once the import is done, every step is complete (4). */
const STEP_OF: Record<Phase, number> = { file: 0, checking: 1, checkFailed: 1, mapping: 1, report: 2, importing: 3, importFailed: 3, done: 4 };

/**
 * The import from the previous software, as a Stepper: (1) what the file contains and the file; (2) "Vérifier" runs a
 * dry run, with its progress, and, when the file has headers the import does not know or lacks required ones, the
 * mapping of its columns ("Vérifier à nouveau"); (3) the dry run's report: the counts and the rows refused; (4)
 * "Importer" (held back by refused rows unless "Importer seulement les lignes valides") runs the real import, then its
 * counts and a link to the students. Each step's heading takes the focus when the step changes.
 */
export function ImportWizard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const phone = usePhone();
  const [kind, setKind] = useState<ImportKind>('students');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  /** The mapping step's choices (header → field or IGNORE), kept for the real import and the next checks. */
  const [choices, setChoices] = useState<Record<string, string>>({});
  const [partial, setPartial] = useState(false);
  const [checkId, setCheckId] = useState<string | null>(null);
  const [importId, setImportId] = useState<string | null>(null);

  const check = useJob(checkId);
  const run = useJob(importId);
  const start = useMutation({
    mutationFn: startImport,
    onSuccess: (job, request) => {
      if (request.dryRun) {
        setCheckId(job.id);
        setPartial(false);
      } else {
        setImportId(job.id);
      }
    },
  });

  const phase = phaseOf(checkId, check.data, check.isError, importId, run.data, run.isError);
  const active = STEP_OF[phase];
  const checkReport = check.data?.status === 'done' ? parseImportReport(check.data.result) : null;
  const runReport = run.data?.status === 'done' ? parseImportReport(run.data.result) : null;

  // What the import wrote shows in the students' lists, files, hours and booklets.
  const written = runReport?.written === true;
  useEffect(() => {
    if (written) void queryClient.invalidateQueries({ queryKey: STUDENTS_KEY });
  }, [written, queryClient]);

  // The step's heading takes the focus when the phase changes (the button pressed has gone with its step).
  const headingRef = useRef<HTMLHeadingElement>(null);
  const shownPhase = useRef(phase);
  useEffect(() => {
    if (shownPhase.current === phase) return;
    shownPhase.current = phase;
    headingRef.current?.focus();
  }, [phase]);

  const request = (dryRun: boolean, withChoices: Record<string, string>): ImportRequest | null =>
    file ? { kind, file, dryRun, partial: dryRun ? false : partial, choices: withChoices } : null;

  const verify = (withChoices: Record<string, string> = choices) => {
    const body = request(true, withChoices);
    if (!body) {
      setFileError(t('imports.wizard.noFile'));
      return;
    }
    setChoices(withChoices);
    start.mutate(body);
  };

  const importNow = () => {
    const body = request(false, choices);
    if (body) start.mutate(body);
  };

  const chooseFile = (chosen: File | null) => {
    if (chosen && !isImportFile(chosen)) {
      setFile(null);
      setFileError(t('imports.wizard.badType'));
      return;
    }
    setFile(chosen);
    setFileError(null);
  };

  /** Back to the first step with another file (the kind and the column choices stay). */
  const otherFile = () => {
    start.reset();
    setCheckId(null);
    setImportId(null);
    setFile(null);
    setFileError(null);
    setPartial(false);
  };

  const startOver = () => {
    otherFile();
    setChoices({});
  };

  const stepLabels = {
    file: [t('imports.wizard.steps.file'), t('imports.wizard.steps.fileDescription')],
    columns: [t('imports.wizard.steps.columns'), t('imports.wizard.steps.columnsDescription')],
    report: [t('imports.wizard.steps.report'), t('imports.wizard.steps.reportDescription')],
    import: [t('imports.wizard.steps.import'), t('imports.wizard.steps.importDescription')],
  } as const;

  const content = () => {
    switch (phase) {
      case 'file':
        return (
          <form
            noValidate
            aria-label={t('imports.wizard.steps.file')}
            onSubmit={(event) => {
              event.preventDefault();
              verify();
            }}
          >
            <Stack gap="md">
              <StepHeading headingRef={headingRef}>{t('imports.wizard.steps.file')}</StepHeading>
              <Radio.Group
                label={t('imports.wizard.kind')}
                value={kind}
                onChange={(value) => {
                  const next = IMPORT_KINDS.find((k) => k === value);
                  if (next && next !== kind) {
                    setKind(next);
                    setChoices({});
                  }
                }}
              >
                <Stack gap="xs" mt="xs">
                  {IMPORT_KINDS.map((value) => (
                    <Radio key={value} value={value} label={t(`imports.wizard.kinds.${value}`)} />
                  ))}
                </Stack>
              </Radio.Group>
              <Alert color="blue" variant="light" data-testid="kind-help">
                {t(`imports.wizard.kindHelp.${kind}`)}
              </Alert>
              <FileInput
                label={t('imports.wizard.file')}
                description={t('imports.wizard.fileDescription')}
                placeholder={t('imports.wizard.filePlaceholder')}
                // A text, not a native placeholder: dimmed, but readable (WCAG 1.4.3).
                styles={{ placeholder: { color: 'var(--mantine-color-dimmed)' } }}
                accept={IMPORT_ACCEPT}
                value={file}
                onChange={chooseFile}
                error={fileError}
                required
                clearable
                data-testid="import-file"
              />
              <Group>
                <Button type="submit" loading={start.isPending}>
                  {t('imports.wizard.check')}
                </Button>
              </Group>
            </Stack>
          </form>
        );
      case 'checking':
        return (
          <Stack gap="md">
            <StepHeading headingRef={headingRef}>{t('imports.wizard.steps.columnsDescription')}</StepHeading>
            <JobProgress job={check.data} title={t('imports.wizard.checking', { name: file?.name ?? check.data?.input_name ?? '' })} />
          </Stack>
        );
      case 'checkFailed':
        return (
          <Stack gap="md" align="flex-start">
            <StepHeading headingRef={headingRef}>{t('imports.wizard.failed')}</StepHeading>
            <JobFailure job={check.data} error={check.error} onRetry={() => void check.refetch()} />
            <Button variant="default" onClick={otherFile}>
              {t('imports.wizard.otherFile')}
            </Button>
          </Stack>
        );
      case 'mapping':
        return checkReport && <MappingStep key={checkId} report={checkReport} choices={choices} headingRef={headingRef} busy={start.isPending} onVerify={verify} onOtherFile={otherFile} />;
      case 'report':
        return (
          checkReport && (
            <Stack gap="md">
              <StepHeading headingRef={headingRef}>{t('imports.wizard.report.title')}</StepHeading>
              <Text size="sm">
                {t('imports.wizard.report.rows', { count: checkReport.rows, name: file?.name ?? check.data?.input_name ?? '' })}{' '}
                {t('imports.wizard.report.dryRunNote')}
              </Text>
              <Counts report={checkReport} final={false} />
              <ErrorTable report={checkReport} />
              <ErrorTable report={checkReport} status="ignored" />
              {checkReport.errors > 0 && (
                <Checkbox
                  checked={partial}
                  onChange={(event) => setPartial(event.currentTarget.checked)}
                  label={t('imports.wizard.report.partial')}
                  description={t('imports.wizard.report.partialHint')}
                />
              )}
              {!canImport(checkReport, partial) && (
                <Text size="sm" c="red.8" data-testid="import-blocked">
                  {t('imports.wizard.report.blocked')}
                </Text>
              )}
              <Group gap="sm">
                <Button onClick={importNow} disabled={!canImport(checkReport, partial) || !file} loading={start.isPending}>
                  {t('imports.wizard.report.import')}
                </Button>
                <Button variant="default" onClick={otherFile}>
                  {t('imports.wizard.otherFile')}
                </Button>
              </Group>
            </Stack>
          )
        );
      case 'importing':
        return (
          <Stack gap="md">
            <StepHeading headingRef={headingRef}>{t('imports.wizard.steps.import')}</StepHeading>
            <JobProgress job={run.data} title={t('imports.wizard.importing', { name: file?.name ?? run.data?.input_name ?? '' })} />
          </Stack>
        );
      case 'importFailed':
        return (
          <Stack gap="md" align="flex-start">
            <StepHeading headingRef={headingRef}>{t('imports.wizard.failed')}</StepHeading>
            <JobFailure job={run.data} error={run.error} onRetry={() => void run.refetch()} />
            <Button variant="default" onClick={otherFile}>
              {t('imports.wizard.otherFile')}
            </Button>
          </Stack>
        );
      case 'done':
        return (
          runReport && (
            <Stack gap="md">
              <StepHeading headingRef={headingRef}>{t('imports.wizard.done.title')}</StepHeading>
              {runReport.written ? (
                <Alert color="green" variant="light" data-testid="import-written">
                  {t('imports.wizard.done.written', { name: file?.name ?? run.data?.input_name ?? '' })}
                </Alert>
              ) : (
                <Alert color="orange" variant="light" data-testid="import-not-written">
                  {t('imports.wizard.done.notWritten')}
                </Alert>
              )}
              <Counts report={runReport} final={runReport.written} />
              {runReport.errors > 0 && <ErrorTable report={runReport} />}
              <Group gap="sm">
                {runReport.written && (
                  <Button component={Link} to={kind === 'lessons' ? '/planning' : '/eleves'}>
                    {t(kind === 'lessons' ? 'imports.wizard.done.planning' : 'imports.wizard.done.students')}
                  </Button>
                )}
                <Button variant="default" onClick={runReport.written ? startOver : otherFile}>
                  {runReport.written ? t('imports.wizard.done.again') : t('imports.wizard.otherFile')}
                </Button>
              </Group>
            </Stack>
          )
        );
    }
  };

  return (
    <SectionCard title={t('imports.wizard.title')} hint={t('imports.wizard.hint')} data-testid="import-wizard">
      <Stack gap="md">
        {/* On a phone, only the current step says its name on screen (each step's number names it for a screen reader). */}
        <Stepper active={active} size={phone ? 'xs' : 'sm'} data-testid="import-steps" data-phase={phase}>
          {STEPS.map((step, index) => (
            <Stepper.Step
              key={step}
              label={!phone || index === active ? stepLabels[step][0] : undefined}
              description={phone ? undefined : stepLabels[step][1]}
              aria-label={phone && index !== active ? `${String(index + 1)}. ${stepLabels[step][0]}` : undefined}
              aria-current={index === active ? 'step' : undefined}
              loading={(phase === 'checking' && step === 'columns') || (phase === 'importing' && step === 'import')}
            >
              {index === active ? content() : null}
            </Stepper.Step>
          ))}
          <Stepper.Completed>{phase === 'done' ? content() : null}</Stepper.Completed>
        </Stepper>
        <FormError error={start.error} />
      </Stack>
    </SectionCard>
  );
}

function StepHeading({ headingRef, children }: { headingRef: Ref<HTMLHeadingElement>; children: string }) {
  return (
    <Title order={3} size="h4" ref={headingRef} tabIndex={-1} data-testid="step-heading">
      {children}
    </Title>
  );
}

/** Why a job did not finish: the server's French reasons, or why it could not be followed. */
function JobFailure({ job, error, onRetry }: { job: SchoolJob | undefined; error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  if (error) return <LoadError error={error} onRetry={onRetry} />;
  const reasons = job?.errors ?? [];
  return (
    <Alert color="red" role="alert" data-testid="job-failed" maw={640}>
      {reasons.length > 1 ? (
        <List size="sm">
          {reasons.map((reason) => (
            <List.Item key={reason}>{reason}</List.Item>
          ))}
        </List>
      ) : (
        (reasons[0] ?? t('errors.unknown'))
      )}
    </Alert>
  );
}

/** The mapping step: a select per unknown header (the import's fields, or "Ignorer cette colonne"), the missing ones. */
function MappingStep({
  report,
  choices,
  headingRef,
  busy,
  onVerify,
  onOtherFile,
}: {
  report: ImportReport;
  choices: Record<string, string>;
  headingRef: Ref<HTMLHeadingElement>;
  busy: boolean;
  onVerify: (choices: Record<string, string>) => void;
  onOtherFile: () => void;
}) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(() => choicesFor(report.unknown_columns, choices));
  const options = [
    { value: IGNORE, label: t('imports.wizard.mapping.ignore') },
    ...report.fields.map(([value, label]) => ({ value, label })),
  ];
  const missing = report.missing_columns.join(', ');
  const hasUnknown = report.unknown_columns.length > 0;
  return (
    <Stack gap="md">
      <StepHeading headingRef={headingRef}>{t('imports.wizard.mapping.title')}</StepHeading>
      <Text size="sm">{t('imports.wizard.mapping.hint')}</Text>
      {report.missing_columns.length > 0 && (
        <Alert color="orange" variant="light" title={t('imports.wizard.mapping.missingTitle')} data-testid="missing-columns">
          {hasUnknown ? t('imports.wizard.mapping.missing', { names: missing }) : t('imports.wizard.mapping.missingNoUnknown', { names: missing })}
        </Alert>
      )}
      {hasUnknown && (
        <form
          noValidate
          aria-label={t('imports.wizard.mapping.unknownTitle')}
          onSubmit={(event) => {
            event.preventDefault();
            onVerify({ ...choices, ...shown });
          }}
        >
          <Stack gap="md">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              {report.unknown_columns.map((header) => (
                <NativeSelect
                  key={header}
                  label={t('imports.wizard.mapping.column', { header })}
                  data={options}
                  value={shown[header] ?? IGNORE}
                  onChange={(event) => {
                    const value = event.currentTarget.value;
                    setShown((current) => ({ ...current, [header]: value }));
                  }}
                  data-testid="column-mapping"
                />
              ))}
            </SimpleGrid>
            <Group gap="sm">
              <Button type="submit" loading={busy}>
                {t('imports.wizard.checkAgain')}
              </Button>
              <Button variant="default" onClick={onOtherFile}>
                {t('imports.wizard.otherFile')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {!hasUnknown && (
        <Group>
          <Button variant="default" onClick={onOtherFile}>
            {t('imports.wizard.otherFile')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** The four counts as badges: "À créer : 3"… for a dry run, "Créés : 3"… once written. */
function Counts({ report, final }: { report: ImportReport; final: boolean }) {
  const { t } = useTranslation();
  return (
    <Group
      component="ul"
      gap="xs"
      aria-label={t('imports.wizard.report.countsLabel')}
      data-testid="import-counts"
      style={{ listStyle: 'none', margin: 0, padding: 0 }}
    >
      {summarise(report).map(({ key, count }) => (
        <li key={key}>
          <Badge size="lg" variant="light" color={COUNT_COLOR[key]} tt="none" data-testid={`count-${key}`} data-count={count}>
            {t('imports.wizard.count', { label: final ? t(`imports.wizard.doneCounts.${key}`) : t(`imports.wizard.counts.${key}`), count })}
          </Badge>
        </li>
      ))}
    </Group>
  );
}

/**
 * The rows refused (or, with `status="ignored"`, the rows not taken over and why), one line per cell at fault: row (as
 * the spreadsheet numbers it), name, column, French message. No ignored row, no table.
 */
function ErrorTable({ report, status = 'error' }: { report: ImportReport; status?: 'error' | 'ignored' }) {
  const { t } = useTranslation();
  const phone = usePhone();
  const lines = errorLines(report, status);
  const ignored = status === 'ignored';
  if (lines.length === 0) return ignored ? null : <Text size="sm">{t('imports.wizard.report.noErrors')}</Text>;
  return (
    // On a phone, the columns wrap rather than scroll: the message is what the office reads.
    <ScrollTable label={t(ignored ? 'imports.wizard.report.ignoredTitle' : 'imports.wizard.report.errorsTitle')} minWidth={phone ? 0 : 560}>
      <Table
        striped
        verticalSpacing="xs"
        horizontalSpacing={phone ? 6 : 'sm'}
        captionSide="top"
        data-testid={ignored ? 'import-ignored' : 'import-errors'}
      >
        <Table.Caption style={{ textAlign: 'left', marginTop: 0 }}>
          {t(ignored ? 'imports.wizard.report.ignoredCaption' : 'imports.wizard.report.errorsCaption')}
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('imports.wizard.report.columns.row')}</Table.Th>
            <Table.Th scope="col">{t('imports.wizard.report.columns.name')}</Table.Th>
            <Table.Th scope="col">{t('imports.wizard.report.columns.column')}</Table.Th>
            <Table.Th scope="col">{t('imports.wizard.report.columns.message')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((line) => (
            <Table.Tr key={line.key} data-testid={ignored ? 'import-ignored-row' : 'import-error'} data-row={line.row}>
              <Table.Th scope="row" fw={600}>
                {line.row}
              </Table.Th>
              <Table.Td>{line.name || t('common.none')}</Table.Td>
              <Table.Td>{line.column || t('imports.wizard.report.wholeRow')}</Table.Td>
              <Table.Td>{line.message}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}
