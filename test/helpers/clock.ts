/**
 * A clock for the server's session timeouts that a test moves forward instead of sleeping: real time plus
 * what the test has added, so it never runs backwards and things measured in real time still move.
 */
export class TestClock {
  private offsetMs = 0;
  readonly now = (): number => Date.now() + this.offsetMs;

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
