import { useEffect, useRef, useState } from 'react';
import { download, GqlError, upload } from '../api/client';
import { ErrorNote, T } from '../i18n';

/** What `POST /documents` answers for a stored upload. */
interface DocumentReceipt {
  documentId: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

/** An attachment as a referral or consultation shows it: an upload (`documentId`) or an address. */
export interface ShownAttachment {
  name: string;
  type: string;
  uri: string;
  documentId?: string | null;
  sizeBytes?: number | null;
}

/** The kinds the document store keeps, by the media type it recognised. */
const KINDS: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'application/dicom': 'DICOM',
};

const kindOf = (mediaType: string) => KINDS[mediaType] ?? mediaType;

/** 12.3 KB, 4.5 MB. */
export function formatSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${mb.toFixed(1)} MB` : `${Math.max(0.1, bytes / 1024).toFixed(1)} KB`;
}

/** What the file picker offers: the kinds the store accepts (it still judges each by its bytes). */
const ACCEPT = '.pdf,.jpg,.jpeg,.png,.dcm,application/pdf,image/jpeg,image/png,application/dicom';

interface Upload {
  key: string;
  file: File;
  receipt?: DocumentReceipt;
  error?: unknown;
}

/**
 * A form's uploads: each chosen file sent to `POST /documents` at once, one after another (a
 * form never takes more than one of the api's upload slots, so a dozen chosen together are not
 * refused as too many at once). A refused file stays listed with its refusal; the others go on.
 * Removing drops the file from the form only (an upload never attached is swept by the api).
 */
export function useAttachmentUploads() {
  const [items, setItems] = useState<Upload[]>([]);
  const queue = useRef<Promise<void>>(Promise.resolve());
  // The files still in the form: one removed before its turn, or a form closed, is not sent.
  const wanted = useRef(new Set<string>());
  useEffect(() => {
    const set = wanted.current;
    return () => set.clear();
  }, []);
  const settle = (key: string, outcome: Pick<Upload, 'receipt' | 'error'>) =>
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...outcome } : i)));
  const add = (files: readonly File[]) => {
    const added = files.map((file) => ({ key: crypto.randomUUID(), file }));
    for (const { key } of added) wanted.current.add(key);
    setItems((list) => [...list, ...added]);
    for (const { key, file } of added) {
      queue.current = queue.current.then(async () => {
        if (!wanted.current.has(key)) return;
        try {
          settle(key, { receipt: await upload<DocumentReceipt>('/documents', {}, file) });
        } catch (err) {
          settle(key, {
            error: err instanceof GqlError ? err : new Error('上传失败,请重试 (upload failed; try again)'),
          });
        }
      });
    }
  };
  const remove = (key: string) => {
    wanted.current.delete(key);
    setItems((list) => list.filter((i) => i.key !== key));
  };
  return {
    items,
    add,
    remove,
    /** A file still on its way: the form waits for it before it is sent. */
    uploading: items.some((i) => !i.receipt && !i.error),
    /** The form's `attachments`: the uploads the api kept, under the name it stored. */
    attachments: items.flatMap((i) =>
      i.receipt ? [{ name: i.receipt.fileName, documentId: i.receipt.documentId }] : [],
    ),
  };
}

/** 附件: the file picker of a form and the files chosen, each with its kind, size and state. */
export function AttachmentPicker({
  id,
  uploads,
  label = { zh: '附件', en: 'Attachments' },
  single = false,
}: {
  id: string;
  uploads: ReturnType<typeof useAttachmentUploads>;
  label?: { zh: string; en: string };
  /** One file only (a signed form): a new choice replaces the last. */
  single?: boolean;
}) {
  return (
    <>
      <dt>
        <label htmlFor={id}>
          <T zh={label.zh} en={label.en} />
        </label>
      </dt>
      <dd data-testid={single ? `${id}-upload` : 'attachment-uploads'}>
        <input
          id={id}
          type="file"
          multiple={!single}
          accept={ACCEPT}
          onChange={(e) => {
            if (single) for (const i of uploads.items) uploads.remove(i.key);
            uploads.add([...(e.target.files ?? [])].slice(0, single ? 1 : undefined));
            // The same file may be chosen again after it is removed.
            e.target.value = '';
          }}
        />
        <p className="note">
          <T
            zh="PDF、JPEG、PNG 或 DICOM,选择后即上传"
            en="PDF, JPEG, PNG or DICOM, uploaded as soon as chosen"
          />
        </p>
        {uploads.items.length ? (
          <ul>
            {uploads.items.map((i) => (
              <li
                key={i.key}
                data-attachment={i.file.name}
                data-state={i.receipt ? 'ready' : i.error ? 'refused' : 'uploading'}
              >
                {i.receipt?.fileName ?? i.file.name}
                {i.receipt ? ` · ${kindOf(i.receipt.mediaType)}` : ''} ·{' '}
                {formatSize(i.receipt?.sizeBytes ?? i.file.size)}
                {!i.receipt && !i.error ? (
                  <>
                    {' '}
                    · <T zh="上传中…" en="Uploading…" />
                  </>
                ) : null}{' '}
                <button
                  className="link"
                  data-action="remove-attachment"
                  onClick={() => uploads.remove(i.key)}
                >
                  <T zh="移除" en="Remove" />
                </button>
                <ErrorNote error={i.error} />
              </li>
            ))}
          </ul>
        ) : null}
      </dd>
    </>
  );
}

/** 下载: an upload the api serves, fetched with the user's token and saved under `name`. */
export function DownloadButton({ documentId, name }: { documentId: string; name: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await download(`/documents/${encodeURIComponent(documentId)}`, name);
    } catch (err) {
      setError(err instanceof GqlError ? err : new Error('下载失败,请重试 (download failed; try again)'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button data-action="download" disabled={busy} onClick={() => void save()}>
        <T zh="下载" en="Download" />
      </button>
      <ErrorNote error={error} />
    </>
  );
}

/** One attachment of a record: an address as a link, an upload as a download with its size. */
function AttachmentItem({ a }: { a: ShownAttachment }) {
  return (
    <li data-attachment={a.name} data-document={a.documentId ?? undefined}>
      {a.name} ({kindOf(a.type)}){a.sizeBytes != null ? ` · ${formatSize(a.sizeBytes)}` : ''}{' '}
      {a.documentId ? (
        <DownloadButton documentId={a.documentId} name={a.name} />
      ) : (
        <a href={a.uri}>{a.uri}</a>
      )}
    </li>
  );
}

/** A referral's or consultation's attachments. */
export function AttachmentList({ attachments }: { attachments: readonly ShownAttachment[] }) {
  return (
    <ul data-testid="attachments">
      {attachments.map((a, i) => (
        <AttachmentItem key={a.documentId ?? `${i}:${a.uri}`} a={a} />
      ))}
    </ul>
  );
}

/** An attachment item as the add-later mutations take it: an upload the api kept. */
export type KeptUpload = ReturnType<typeof useAttachmentUploads>['attachments'][number];

/**
 * 添加附件: files that come after the record was sent (a lab result, the CT), uploaded as they
 * are chosen and added together with one call; the form closes (dropping its uploads) once the
 * api has taken them, and the record's own view reloads.
 */
export function AddAttachments({
  id,
  onAdd,
  withNote = false,
}: {
  id: string;
  onAdd: (attachments: KeptUpload[], note: string | null) => Promise<unknown>;
  withNote?: boolean;
}) {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <div className="actions">
        <button data-action="add-attachments" onClick={() => setOpen(true)}>
          <T zh="添加附件" en="Add attachments" />
        </button>
      </div>
    );
  }
  return <AddAttachmentsForm id={id} onAdd={onAdd} withNote={withNote} onClose={() => setOpen(false)} />;
}

function AddAttachmentsForm({
  id,
  onAdd,
  withNote,
  onClose,
}: {
  id: string;
  onAdd: (attachments: KeptUpload[], note: string | null) => Promise<unknown>;
  withNote: boolean;
  onClose: () => void;
}) {
  const uploads = useAttachmentUploads();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      await onAdd(uploads.attachments, note.trim() || null);
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <div data-testid="add-attachments">
      <dl className="form">
        <AttachmentPicker
          id={`${id}-add-attachments`}
          uploads={uploads}
          label={{ zh: '添加附件', en: 'Add attachments' }}
        />
        {withNote ? (
          <>
            <dt>
              <label htmlFor={`${id}-add-attachments-note`}>
                <T zh="说明" en="Note" />
              </label>
            </dt>
            <dd>
              <input
                id={`${id}-add-attachments-note`}
                placeholder="如:化验结果已出 e.g. the lab result is in"
                maxLength={1000}
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
            </dd>
          </>
        ) : null}
      </dl>
      <div className="actions">
        <button
          className="primary"
          data-action="send-attachments"
          disabled={busy || uploads.uploading || !uploads.attachments.length}
          onClick={() => void send()}
        >
          <T zh="添加" en="Add" /> ({uploads.attachments.length})
        </button>
        <button onClick={onClose} disabled={busy}>
          <T zh="取消" en="Cancel" />
        </button>
      </div>
      <ErrorNote error={error} />
    </div>
  );
}
