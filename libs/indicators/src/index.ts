export * from './measures/measure-source';
