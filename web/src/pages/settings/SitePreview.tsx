import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ResponseBody } from '../../api/client.ts';

type SiteSettings = ResponseBody<'/api/v1/settings', 'get', 200>['site'];

/**
 * The home page of the school's site as the server renders it with the settings being typed (not saved): the live
 * preview of the site editor. Sandboxed (no script, no navigation out of the frame); refreshed after a pause in typing.
 */
export function SitePreview({ site }: { site: SiteSettings }) {
  const { t } = useTranslation();
  const [draft] = useDebouncedValue(site, 500);
  const preview = useQuery({
    queryKey: ['site-preview', draft],
    queryFn: async () => {
      const { data, error } = await api.POST('/api/v1/site-preview', { body: draft, parseAs: 'text' });
      if (error !== undefined) throw new Error('preview refused');
      return data;
    },
    placeholderData: keepPreviousData,
    retry: false,
  });
  return (
    <iframe
      title={t('schoolSettings.site.preview')}
      srcDoc={preview.data ?? ''}
      sandbox=""
      data-testid="site-preview"
      style={{ width: '100%', height: 420, border: '1px solid var(--mantine-color-gray-4)', borderRadius: 4 }}
    />
  );
}
