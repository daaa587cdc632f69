/** The emulator's clock: real time plus a skew a test may set through the control API. */
export class Clock {
  private skewMs = 0;

  now(): number {
    return Date.now() + this.skewMs;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  get skewSeconds(): number {
    return this.skewMs / 1000;
  }

  setSkewSeconds(seconds: number): void {
    this.skewMs = Math.round(seconds * 1000);
  }
}
