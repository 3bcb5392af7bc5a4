import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/problem.ts';

/**
 * Why a form was refused, above its fields (see useApiForm's `failure`). An alert even when the fields carry their own
 * messages: it is what a screen reader announces after "Enregistrer".
 */
export function FormError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert color="red" role="alert">
      {errorMessage(error, t)}
    </Alert>
  );
}
