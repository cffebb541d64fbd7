/**
 * A batch of records for one consumer (kumod's `LogBatch`, with the Lua-visible behaviour of `LuaLogBatch`):
 * after `commit()` the batch is emptied, `records()` is [] and `consumerName()` is "". A second commit is a no-op
 * (kumod's docs claim it raises; the code does not).
 */
export type CommitFn = () => void;

export class LogBatch {
  private _records: unknown[] = [];
  private _fileNames: string[] = [];
  private _lineFile: number[] = [];
  private _offsets: number[] = [];
  private _commit: CommitFn | undefined;
  private _name: string;
  private _committed = false;

  constructor(name: string) {
    this._name = name;
  }

  /** @internal Adds a parsed record read from `file` at decompressed byte `offset`. */
  push(record: unknown, file: string, offset: number): void {
    const names = this._fileNames;
    let idx = names.length - 1;
    if (idx < 0 || names[idx] !== file) {
      idx = names.lastIndexOf(file);
      if (idx < 0) {
        names.push(file);
        idx = names.length - 1;
      }
    }
    this._records.push(record);
    this._lineFile.push(idx);
    this._offsets.push(offset);
  }

  /** @internal */
  setCommit(fn: CommitFn | undefined): void {
    this._commit = fn;
  }

  get length(): number {
    return this._records.length;
  }

  get committed(): boolean {
    return this._committed;
  }

  consumerName(): string {
    return this._name;
  }

  /** The parsed records (plain JS values, as JSON.parse produced them). Not copied: do not mutate if you keep the batch. */
  records(): readonly unknown[] {
    return this._records;
  }

  *iterRecords(): IterableIterator<unknown> {
    const recs = this._records;
    for (let i = 0; i < recs.length; i++) yield recs[i];
  }

  /** Distinct segment paths that contributed records, in first-seen order. */
  fileNames(): readonly string[] {
    return this._fileNames;
  }

  fileNameForLine(index: number): string | undefined {
    const i = this._lineFile[index];
    return i === undefined ? undefined : this._fileNames[i];
  }

  byteOffsetForLine(index: number): number | undefined {
    return this._offsets[index];
  }

  /**
   * Writes this consumer's checkpoint (the read position when the batch was yielded). Without a checkpoint name,
   * or when already committed, nothing is written. The batch is emptied even when writing fails (as in kumod),
   * and the error is thrown.
   */
  commit(): void {
    if (this._committed) return;
    this._committed = true;
    const fn = this._commit;
    this._commit = undefined;
    this._records = [];
    this._fileNames = [];
    this._lineFile = [];
    this._offsets = [];
    this._name = '';
    if (fn) fn();
  }
}
