/**
 * A small seedable PRNG (sfc32) with the float conversion kumod's `rand::random::<f32>()` uses:
 * the top 24 bits of a u32 scaled by 2^-24, uniform in [0, 1).
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed = 1) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** `rand::random::<f32>()`: multiples of 2^-24 in [0, 1). */
  f32(): number {
    return (this.nextU32() >>> 8) * 5.9604644775390625e-8;
  }

  /** Uniform float in [0, 1) with 32 bits, for failure models (not a kumod quantity). */
  unit(): number {
    return this.nextU32() * 2.3283064365386963e-10;
  }
}
