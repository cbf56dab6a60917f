import { useRef, useState } from 'react';
import { gql } from '../api/client';
import { RecordUnificationEvidence, ReviewUnificationEvidence, UnificationEvidenceKinds } from '../api/generated';
import { ErrorNote, T } from '../i18n';
import { today } from '../months';
import { sha256File } from '../sha256';
import { useQuery } from '../use-query';
import { useRunning, useSubmit } from './side-form';

type Act = (fn: () => Promise<unknown>) => Promise<void>;

/**
 * 录入佐证: a document an item rests on, by the kinds the items in force ask for. The file stays
 * where the institution keeps it (its location is recorded); its SHA-256, computed in the browser
 * from the file chosen, lets a reviewer or an auditor check it is the same document later.
 */
export function RecordEvidence({ institutionId, onRecorded }: { institutionId: string; onRecorded: () => void }) {
  const items = useQuery(UnificationEvidenceKinds);
  const kinds = [
    ...new Map(
      (items.data?.unificationItems ?? [])
        .filter((i) => i.evidence)
        .map((i) => [i.evidence!.evidenceKind, `${i.evidence!.evidenceKind} · ${i.nameZh} ${i.nameEn}`] as const),
    ),
  ];
  const [kind, setKind] = useState('');
  const [title, setTitle] = useState('');
  const [documentDate, setDocumentDate] = useState(today);
  const [location, setLocation] = useState('');
  const [sha256, setSha256] = useState('');
  // The file chosen last: a slower hash of an earlier choice must not land after it.
  const chosen = useRef(0);
  // Remounted after a record, so the same file can be chosen again.
  const [fileKey, setFileKey] = useState(0);
  const { busy, error, setError, submit } = useSubmit();
  const ready = !!kind && title.trim().length > 0 && location.trim().length > 0 && /^[0-9a-f]{64}$/.test(sha256);
  const record = () =>
    submit(async () => {
      await gql(RecordUnificationEvidence, {
        input: { institutionId, evidenceKind: kind, title: title.trim(), documentDate, location: location.trim(), sha256 },
      });
      setTitle('');
      setLocation('');
      setSha256('');
      setFileKey((k) => k + 1);
      onRecorded();
    });
  return (
    <div data-testid="record-evidence">
      <h3>
        <T zh="录入佐证材料" en="Record a document" />
      </h3>
      <div className="actions">
        <select name="evidenceKind" aria-label="材料类型 Kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">— 材料类型 Kind</option>
          {kinds.map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
        <input name="title" aria-label="标题 Title" placeholder="标题 Title" value={title} onChange={(e) => setTitle(e.target.value)} />
        <input type="date" name="documentDate" aria-label="文件日期 Document date" value={documentDate} onChange={(e) => setDocumentDate(e.target.value)} />
        <input name="location" aria-label="存放位置 Where it is kept" placeholder="存放位置(路径或网址) Path or URL" size={28} value={location} onChange={(e) => setLocation(e.target.value)} />
        <input
          key={fileKey}
          type="file"
          name="file"
          aria-label="选择文件以计算 SHA-256 Choose the file for its SHA-256"
          onChange={(e) => {
            const f = e.target.files?.[0];
            const turn = ++chosen.current;
            setSha256('');
            if (f) {
              sha256File(f).then(
                (hex) => turn === chosen.current && setSha256(hex),
                (err: unknown) => turn === chosen.current && setError(err),
              );
            }
          }}
        />
        <span className="en" data-testid="sha256">
          {sha256 ? `SHA-256 ${sha256.slice(0, 12)}…` : '未选择文件 No file chosen'}
        </span>
        <button data-action="record-evidence" disabled={busy || !ready} onClick={() => void record()}>
          <T zh="录入" en="Record" />
        </button>
      </div>
      <ErrorNote error={error ?? items.error} />
    </div>
  );
}

/** A consortium admin's review of one document awaiting it: accept, or send back with a reason. */
export function ReviewEvidence({ evidenceId, act }: { evidenceId: string; act: Act }) {
  const [reason, setReason] = useState('');
  const { busy, run } = useRunning(act);
  const review = (decision: 'ACCEPTED' | 'REJECTED') =>
    run(() =>
      gql(ReviewUnificationEvidence, {
        input: { evidenceId, decision, reason: decision === 'REJECTED' ? reason.trim() : null },
      }),
    );
  return (
    <span className="actions">
      <button data-action="accept-evidence" disabled={busy} onClick={() => review('ACCEPTED')}>
        <T zh="认可" en="Accept" />
      </button>
      <input aria-label="退回原因 Reason" placeholder="原因 Reason" size={12} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button data-action="reject-evidence" disabled={busy || reason.trim().length < 2} onClick={() => review('REJECTED')}>
        <T zh="退回" en="Send back" />
      </button>
    </span>
  );
}
