import { useState } from 'react';
import { gql, type GqlError } from '../api/client';
import { PublishIndicatorMonth, type PublishIndicatorMonthResult } from '../api/generated';
import { ErrorNote, formatTime, T } from '../i18n';
import { useSubmit } from './side-form';

type Publication = PublishIndicatorMonthResult['publishIndicatorMonth'];

/**
 * A consortium admin's 发布 of the month shown. Publishing pins the definition versions in force
 * now to that month for good, so it is asked twice. Which months may be published (finished ones,
 * once) is the api's to say; its refusal is shown as it words it.
 */
export function PublishMonth({
  month,
  published,
  onPublished,
}: {
  month: string;
  published: boolean;
  onPublished: () => Promise<unknown>;
}) {
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<Publication | null>(null);
  const { busy, error, setError, submit } = useSubmit();
  const publish = () =>
    submit(async () => {
      try {
        const { publishIndicatorMonth } = await gql(PublishIndicatorMonth, { month });
        setDone(publishIndicatorMonth);
      } catch (err) {
        // Published meanwhile (another admin, another tab): show the month as it now is.
        if ((err as GqlError).code === 'CONFLICT') await onPublished();
        throw err;
      } finally {
        setConfirming(false);
      }
      await onPublished();
    });
  return (
    <div className="actions" style={{ margin: 0 }} data-testid="publish-month" data-month={month}>
      {done ? (
        <span className="note" data-testid="publication" data-definitions={done.definitions}>
          <T
            zh={`${done.month} 已发布,固定了 ${done.definitions} 项指标的定义版本`}
            en={`${done.month} published: ${done.definitions} indicators pinned to their versions`}
          />{' '}
          {formatTime(done.publishedAt)}
        </span>
      ) : null}
      {!published && !confirming ? (
        <button
          data-action="publish-month"
          disabled={busy}
          onClick={() => {
            setError(null);
            setConfirming(true);
          }}
        >
          <T zh={`发布 ${month} 指标`} en={`Publish ${month}`} />
        </button>
      ) : null}
      {!published && confirming ? (
        <span className="actions" style={{ margin: 0 }} role="group" aria-label="确认发布 Confirm publishing">
          <span>
            <T
              zh={`发布 ${month} 后,该月固定按现行定义版本计算,之后修改定义不再影响该月;发布不可撤销。`}
              en={`Once ${month} is published it keeps today's definition versions, whatever is edited later; it cannot be undone.`}
            />
          </span>
          <button className="primary" data-action="confirm-publish" disabled={busy} onClick={() => void publish()}>
            <T zh="确认发布" en="Publish" />
          </button>
          <button data-action="cancel-publish" disabled={busy} onClick={() => setConfirming(false)}>
            <T zh="取消" en="Cancel" />
          </button>
        </span>
      ) : null}
      <ErrorNote error={error} />
    </div>
  );
}
