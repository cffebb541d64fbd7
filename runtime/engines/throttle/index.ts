export * from './gcra';
export * from './rates';
