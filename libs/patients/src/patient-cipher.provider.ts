import { Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@yg/core';
import { FieldCipher } from './domain/field-crypto';

/** The cipher for patient identifiers, keyed from configuration. */
export const PatientCipherProvider: Provider = {
  provide: FieldCipher,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => new FieldCipher(config.patientKeys),
};
