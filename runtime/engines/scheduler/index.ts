export * from './config';
export * from './backoff';
export * from './strategy';
export * from './refresh';
export * from './ready-queue';
export * from './heap';
export * from './rng';
