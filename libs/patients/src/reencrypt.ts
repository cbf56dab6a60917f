import type { DataSource } from 'typeorm';
import { FieldCipher, FieldCipherError, FieldCipherErrorReason } from './domain/field-crypto';
import { PatientEncryptedColumn, patientField } from './domain/patient-fields';

export interface ReencryptProgress {
  /** Rows walked so far (in id order), of `total`. */
  done: number;
  total: number;
  /** Rows whose tokens were rewritten into the current format under the writing key. */
  rewritten: number;
  /** Rows with a token that could not be read; left as they are. */
  unreadable: number;
  /** The last id walked: `--after` it resumes here. */
  lastId: string | null;
}

export interface UnreadableField {
  patientId: string;
  column: PatientEncryptedColumn;
  reason: FieldCipherErrorReason;
}

export interface ReencryptResult extends ReencryptProgress {
  failures: UnreadableField[];
}

export interface ReencryptOptions {
  batchSize?: number;
  /** Resume after this patient id (rows up to it count as done). */
  after?: string;
  /** Called after each committed batch. */
  onBatch?: (p: ReencryptProgress) => void | Promise<void>;
}

interface Row {
  id: string;
  id_number_enc: string;
  phone_enc: string | null;
}

const DEFAULT_BATCH = 500;
/** Failures kept for the report; the count covers the rest. */
const MAX_LISTED_FAILURES = 1000;

/**
 * Rewrites every patient token that is not yet in the current format under the writing key,
 * and checks every other one can be read. Rows are walked in id order (keyset pagination), a
 * batch at a time; each batch's rewrite is one UPDATE statement (its own short transaction)
 * that only replaces a token still equal to the one read, so concurrent registrations, a
 * second copy of the job and a rerun after a crash are all safe. Run again, it rewrites nothing.
 * Unreadable tokens (altered, copied from another row, under a key that is gone) are reported,
 * never rewritten.
 */
export async function reencryptPatients(
  ds: DataSource,
  cipher: FieldCipher,
  opts: ReencryptOptions = {},
): Promise<ReencryptResult> {
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? DEFAULT_BATCH, 10_000));
  const [{ total, before }] = await ds.query(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE id <= $1::uuid)::int AS before FROM patient`,
    [opts.after ?? null],
  );
  const progress: ReencryptProgress = {
    done: before,
    total,
    rewritten: 0,
    unreadable: 0,
    lastId: opts.after ?? null,
  };
  const failures: UnreadableField[] = [];
  for (;;) {
    const rows: Row[] = await ds.query(
      `SELECT id, id_number_enc, phone_enc FROM patient
        WHERE $1::uuid IS NULL OR id > $1::uuid ORDER BY id LIMIT $2`,
      [progress.lastId, batchSize],
    );
    if (!rows.length) break;
    const changes: { row: Row; idEnc: string; phoneEnc: string | null }[] = [];
    for (const row of rows) {
      const idEnc = upgrade(cipher, row.id, 'id_number_enc', row.id_number_enc, failures);
      const phoneEnc =
        row.phone_enc === null ? null : upgrade(cipher, row.id, 'phone_enc', row.phone_enc, failures);
      if (idEnc === undefined || phoneEnc === undefined) {
        progress.unreadable++;
        continue;
      }
      if (idEnc !== row.id_number_enc || phoneEnc !== row.phone_enc) changes.push({ row, idEnc, phoneEnc });
    }
    if (changes.length) {
      const [{ n }] = await ds.query(
        `WITH changed AS (
           UPDATE patient p SET id_number_enc = v.id_enc, phone_enc = v.phone_enc
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
                  AS v(id, old_id_enc, old_phone_enc, id_enc, phone_enc)
            WHERE p.id = v.id AND p.id_number_enc = v.old_id_enc
              AND p.phone_enc IS NOT DISTINCT FROM v.old_phone_enc
           RETURNING 1)
         SELECT count(*)::int AS n FROM changed`,
        [
          changes.map((c) => c.row.id),
          changes.map((c) => c.row.id_number_enc),
          changes.map((c) => c.row.phone_enc),
          changes.map((c) => c.idEnc),
          changes.map((c) => c.phoneEnc),
        ],
      );
      progress.rewritten += n;
    }
    progress.done += rows.length;
    progress.lastId = rows[rows.length - 1].id;
    await opts.onBatch?.({ ...progress });
  }
  // Rows registered meanwhile can make the walk longer than the first count.
  progress.total = Math.max(progress.total, progress.done);
  return { ...progress, failures };
}

/** The token to store: unchanged when current, re-encrypted otherwise; undefined when unreadable. */
function upgrade(
  cipher: FieldCipher,
  rowId: string,
  column: PatientEncryptedColumn,
  token: string,
  failures: UnreadableField[],
): string | undefined {
  const place = patientField(rowId, column);
  try {
    // Current tokens are read too: the walk doubles as an integrity check of every row.
    const plain = cipher.decrypt(token, place);
    return cipher.isCurrent(token) ? token : cipher.encrypt(plain, place);
  } catch (err) {
    if (!(err instanceof FieldCipherError)) throw err;
    if (failures.length < MAX_LISTED_FAILURES)
      failures.push({ patientId: rowId, column, reason: err.reason });
    return undefined;
  }
}
