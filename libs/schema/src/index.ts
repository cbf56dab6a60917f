export * from './migrations';
export * from './migrate';
export * from './roles/app-role';
