export * from './signature';
export * from './amount';
export * from './types';
