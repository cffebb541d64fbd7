/** Public API of the log-tailer engine (for the Lua binding `kumo.jsonl.*`, the CLI and the bench). */
export { LogBatch } from './batch';
export { MultiTailer, openMultiTailer } from './multi-tailer';
export { Tailer, openTailer } from './tailer';
export { Checkpoint, CheckpointError, checkpointPath, formatCheckpoint, loadCheckpoint, saveCheckpoint, validateCheckpointName } from './checkpoint';
export { parseDurationMs } from './duration';
export { isSegmentDone } from './segments';
export * from './types';
