export * from './actions';
export * from './duration';
export * from './plan';
export * from './template';
export type * from './types';
