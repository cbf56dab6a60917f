export * from './seed';
export * from './demo-users';
export * from './activity/seed-activity';
export * from './assessment/seed-assessment';
export * from './visits/seed-visits';
