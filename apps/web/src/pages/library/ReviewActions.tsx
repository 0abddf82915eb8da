import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIBRARY_LIMITS, type ResourceDto } from '@tongke/contracts';
import { api } from '../../api/client';
import { ErrorAlert, Field } from '../../components/ui';

/** Approve, or send back with a reason the author will read. */
export function ReviewActions({
  resource,
  onDone,
}: {
  resource: ResourceDto;
  onDone: (r: ResourceDto, action: 'approved' | 'rejected') => void;
}) {
  const { t } = useTranslation();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  const run = async (work: () => Promise<ResourceDto>, action: 'approved' | 'rejected') => {
    setBusy(true);
    setFailure(null);
    try {
      onDone(await work(), action);
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  const reject = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setReasonError(t('library.review.reasonRequired'));
      return;
    }
    setReasonError(null);
    void run(() => api.rejectResource(resource.id, reason.trim()), 'rejected');
  };

  return (
    <div className="review-actions" data-testid="review-actions">
      <ErrorAlert error={failure} />
      {rejecting ? (
        <form onSubmit={reject} noValidate>
          <Field
            label={t('library.review.reason')}
            hint={t('library.review.reasonHint')}
            errors={reasonError ? [reasonError] : undefined}
            required
          >
            {(p) => (
              <textarea
                {...p}
                rows={2}
                maxLength={LIBRARY_LIMITS.reasonMax}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            )}
          </Field>
          <div className="card-actions">
            <button type="submit" className="btn btn-danger btn-small" disabled={busy}>
              {t('library.review.confirmReject')}
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setRejecting(false)}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div className="card-actions">
          <button
            type="button"
            className="btn btn-primary btn-small"
            disabled={busy}
            onClick={() => void run(() => api.approveResource(resource.id), 'approved')}
          >
            {t('library.review.approve')}
          </button>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            disabled={busy}
            onClick={() => setRejecting(true)}
          >
            {t('library.review.reject')}
          </button>
        </div>
      )}
    </div>
  );
}
