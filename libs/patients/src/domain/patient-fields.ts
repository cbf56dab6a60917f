import type { FieldBinding } from './field-crypto';

/** The patient columns holding FieldCipher tokens. */
export type PatientEncryptedColumn = 'id_number_enc' | 'phone_enc';

/** Where a patient's encrypted field lives: the binding its token is sealed to. */
export function patientField(rowId: string, column: PatientEncryptedColumn): FieldBinding {
  return { table: 'patient', column, rowId };
}
