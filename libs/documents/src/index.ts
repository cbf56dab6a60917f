export * from './documents.module';
export * from './document-store.service';
export * from './document-subjects';
export * from './domain/media-types';
export * from './attachments';
export * from './attachment.graphql';
