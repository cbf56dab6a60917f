export * from './seed';
export * from './demo-users';
