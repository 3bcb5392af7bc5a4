import type { ReactNode } from 'react';
import { Modal } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { usePhone } from '../lib/usePhone.ts';

export interface AppModalProps {
  opened: boolean;
  onClose: () => void;
  /** Names the dialog (Mantine links it with aria-labelledby). */
  title: string;
  /** `md` for a confirmation or a short form, `lg` for a form of several rows, `xl` for a record's details. */
  size?: 'md' | 'lg' | 'xl';
  children: ReactNode;
}

/**
 * Every dialog of the app: titled, with a close button that says "Fermer", centred on a wide screen and full screen
 * on a phone (where a centred box leaves no room for the keyboard).
 */
export function AppModal({ opened, onClose, title, size = 'md', children }: AppModalProps) {
  const { t } = useTranslation();
  const phone = usePhone();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={title}
      size={size}
      fullScreen={phone}
      centered
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {children}
    </Modal>
  );
}
