import { useTranslation } from 'react-i18next';

/**
 * What lies under the ink: the material's title and the page number, large. Rendering the page
 * itself (a PDF rendition from the library) comes with the library; until then the page is a
 * clean sheet to annotate, like a whiteboard.
 */
export function PageContent({
  title,
  page,
  whiteboard,
}: {
  title: string | undefined;
  page: number;
  whiteboard: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className={`page-sheet${whiteboard ? ' page-whiteboard' : ''}`}>
      <p className="page-sheet-title">{whiteboard ? t('lessons.host.whiteboard') : (title ?? '')}</p>
      <p className="page-sheet-number" aria-hidden="true">
        {page}
      </p>
    </div>
  );
}
