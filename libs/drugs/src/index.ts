export * from './domain/national-code';
export * from './domain/normalize';
export * from './domain/spec';
export * from './domain/matcher';
