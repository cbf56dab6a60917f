export * from './domain/national-code';
