import { useCallback, useEffect, useState } from 'react';
import { upload } from '../api/client';
import { CatalogueImport, CatalogueImports } from '../api/generated';
import { onLive } from '../api/live';
import { ErrorNote, formatTime, Label, T } from '../i18n';
import { useMembers } from '../scope';
import { useQuery } from '../use-query';
import { NamedSelect, useSubmit } from './side-form';

const DONE = ['DONE', 'FAILED', 'SKIPPED'];
const IMPORT_STATUS: Record<string, [string, string]> = {
  UPLOADING: ['上传中', 'Uploading'],
  QUEUED: ['排队中', 'Queued'],
  RUNNING: ['导入中', 'Importing'],
  DONE: ['已完成', 'Done'],
  SKIPPED: ['已跳过(与上次文件相同)', 'Skipped: the same file as last time'],
  FAILED: ['失败', 'Failed'],
};
/** How often an import still running is read again when no push arrives (a socket may be down). */
const POLL_MS = 2000;

/** One import as it goes: progress, then what it did, its bad rows and how its items matched. */
function ImportProgress({ id, onSettled }: { id: string; onSettled: () => void }) {
  const q = useQuery(CatalogueImport, { id });
  const i = q.data?.catalogueImport;
  // The last status read: a failed read (an answer lost on the way) does not stop the polling.
  const [last, setLast] = useState<string | null>(null);
  if (i && i.status !== last) setLast(i.status);
  const settled = !!last && DONE.includes(last);
  // Once it ends, the lists beside it (recent imports, coverage, the review queue) are read again.
  useEffect(() => {
    if (settled) onSettled();
  }, [settled, onSettled]);
  const reload = q.reload;
  useEffect(() => onLive('catalogue.import.progress', () => void reload()), [reload]);
  useEffect(() => {
    if (settled) return;
    const timer = setInterval(() => void reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [settled, reload]);
  if (!i) return <ErrorNote error={q.error} />;
  return (
    <div data-testid="import" data-id={i.id} data-status={i.status}>
      <p>
        {i.fileName} ·{' '}
        <strong>
          <Label table={IMPORT_STATUS} code={i.status} />
        </strong>{' '}
        ·{' '}
        <T zh="进度" en="Progress" /> {i.rowsDone}/{i.rowsTotal ?? '?'}
        {i.failure ? <span className="error"> · {i.failure}</span> : null}
      </p>
      {DONE.includes(i.status) ? (
        <p data-testid="import-outcome">
          <T zh="新增" en="New" /> {i.inserted} · <T zh="变更" en="Changed" /> {i.updated} · <T zh="未变" en="Unchanged" />{' '}
          {i.unchanged} · <T zh="停用" en="Deactivated" /> {i.deactivated} · <T zh="错误行" en="Bad rows" />{' '}
          <span data-testid="rows-bad">{i.rowsBad}</span> · <T zh="自动对照" en="Auto-confirmed" /> {i.matchCounts.autoConfirmed} ·{' '}
          <T zh="待药师确认" en="For review" /> <span data-testid="proposed">{i.matchCounts.proposed}</span> ·{' '}
          <T zh="未对照" en="Unmapped" /> {i.matchCounts.unmapped}
        </p>
      ) : null}
      {i.errors.length ? (
        <ul data-testid="import-errors">
          {i.errors.map((e) => (
            <li key={`${e.sheet ?? 0}:${e.line}`} data-line={e.line}>
              <T zh={`第 ${e.line} 行`} en={`Line ${e.line}`} />: {e.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * 上传药品目录: the institution's HIS drug dictionary (CSV in UTF-8 or GB18030, or XLSX) to the
 * upload endpoint; the import runs as a job whose progress shows here, and what the matcher
 * would not confirm on its own goes to the pharmacists' review queue. A consortium admin uploads
 * for any member; the api decides who may.
 */
export function CatalogueUpload({
  institutionId,
  chooses,
  onImported,
}: {
  institutionId: string;
  chooses: boolean;
  onImported: () => void;
}) {
  const { members, error: membersError } = useMembers(chooses);
  const [target, setTarget] = useState(institutionId);
  const [file, setFile] = useState<File | null>(null);
  const [full, setFull] = useState(true);
  const [current, setCurrent] = useState<string | null>(null);
  const recent = useQuery(CatalogueImports, { institutionId: target });
  const { busy, error, submit } = useSubmit();
  const reloadRecent = recent.reload;
  const settledChanged = useCallback(() => {
    void reloadRecent();
    onImported();
  }, [reloadRecent, onImported]);
  const send = () =>
    submit(async () => {
      const answer = await upload<{ importId: string }>(
        '/drugs/catalogues/upload',
        { institutionId: target, full: String(full) },
        file!,
      );
      setCurrent(answer.importId);
      void recent.reload();
    });
  return (
    <section className="panel" data-testid="catalogue-upload" aria-labelledby="upload-title">
      <h2 id="upload-title">
        <T zh="上传本机构药品目录" en="Upload the institution's drug catalogue" />
      </h2>
      <div className="actions">
        {chooses ? (
          <NamedSelect
            name="institution"
            aria-label="机构 Institution"
            value={target}
            onValue={setTarget}
            options={members.length ? members : [{ id: institutionId, name: '本机构 Own' }]}
          />
        ) : null}
        <input
          type="file"
          name="file"
          aria-label="目录文件 Catalogue file"
          accept=".csv,.txt,.xlsx"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <label title="完整目录中未列出的药品将停用 Items a full catalogue does not list are deactivated">
          <input type="checkbox" name="full" checked={full} onChange={(e) => setFull(e.target.checked)} />{' '}
          <T zh="完整目录" en="Full catalogue" />
        </label>
        <button className="primary" data-action="upload" disabled={busy || !file} onClick={() => void send()}>
          <T zh="上传并导入" en="Upload and import" />
        </button>
      </div>
      <p className="note">
        <T
          zh="CSV(UTF-8 或 GB18030)或 XLSX;须有 流水号/药品编码 与 通用名/药品名称 列。"
          en="CSV (UTF-8 or GB18030) or XLSX, with a local code column and a generic name column."
        />
      </p>
      <ErrorNote error={error ?? membersError} />
      {current ? <ImportProgress key={current} id={current} onSettled={settledChanged} /> : null}
      <h3>
        <T zh="最近导入" en="Recent imports" />
      </h3>
      <ul data-testid="recent-imports">
        {(recent.data?.catalogueImports.nodes ?? []).map((i) => (
          <li key={i.id} data-id={i.id} data-status={i.status}>
            <button className="link" onClick={() => setCurrent(i.id)}>
              {i.fileName}
            </button>{' '}
            · <Label table={IMPORT_STATUS} code={i.status} /> · {i.rowsOk}/{i.rowsTotal ?? '?'} · {formatTime(i.createdAt)}
          </li>
        ))}
      </ul>
    </section>
  );
}
