export * from './migrations';
export * from './migrate';
