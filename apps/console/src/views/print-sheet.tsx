import type { ReactNode } from 'react';
import { Label, SEX_LABELS, T } from '../i18n';

/**
 * A paper form the console prints (the referral slip, the consultation report): its issuer and
 * title, its number, then its rows. Printing shows the sheet alone (`@media print` in styles.css);
 * the toolbar stays on screen.
 */
export function PrintSheet({
  testId,
  action,
  issuer,
  title,
  number,
  onClose,
  children,
}: {
  testId: string;
  /** `print-<action>` and `close-<action>` name the toolbar's buttons. */
  action: string;
  issuer: string;
  title: ReactNode;
  number: string;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <div className="slip-frame" data-testid={testId}>
      <div className="slip-toolbar actions">
        <button className="primary" data-action={`print-${action}`} onClick={() => window.print()}>
          <T zh="打印" en="Print" />
        </button>
        <button data-action={`close-${action}`} onClick={onClose}>
          <T zh="关闭" en="Close" />
        </button>
      </div>
      <article className="slip">
        <h1>
          {issuer}
          <br />
          {title}
        </h1>
        <p className="slip-number">
          <T zh="编号" en="No." />: <span data-field="number">{number}</span>
        </p>
        {children}
      </article>
    </div>
  );
}

/** A labelled row across the sheet. */
export function SheetRow({ zh, en, name, children }: { zh: string; en: string; name?: string; children: ReactNode }) {
  return (
    <tr>
      <th scope="row">
        <T zh={zh} en={en} />
      </th>
      <td colSpan={3} data-field={name}>
        {children}
      </td>
    </tr>
  );
}

/** Two labelled cells side by side. */
export function SheetPair({
  left,
  right,
}: {
  left: { zh: string; en: string; name?: string; value: ReactNode };
  right: { zh: string; en: string; name?: string; value: ReactNode };
}) {
  return (
    <tr>
      {[left, right].map((c) => [
        <th key={`${c.zh}-th`} scope="row">
          <T zh={c.zh} en={c.en} />
        </th>,
        <td key={`${c.zh}-td`} data-field={c.name}>
          {c.value}
        </td>,
      ])}
    </tr>
  );
}

/** The patient as a sheet names them: name, sex and birth year (never more than the summary). */
export function PatientPair({ patient }: { patient: { name: string; sex: string; birthYear?: number | null } | null | undefined }) {
  return (
    <SheetPair
      left={{ zh: '患者姓名', en: 'Patient', name: 'patient', value: patient?.name ?? '' }}
      right={{
        zh: '性别 / 出生年份',
        en: 'Sex / born',
        value: (
          <>
            {patient ? <Label table={SEX_LABELS} code={patient.sex} /> : null} / {patient?.birthYear ?? ''}
          </>
        ),
      }}
    />
  );
}
