export * from './gcra';
export * from './rates';
export * from './backends';
