import type { LogStream } from './server';

/**
 * A log destination that holds lines back until opened: `npm run sandbox` opens it once it
 * listens, so that a start-up failure prints its one `Configuration error: …` line and
 * nothing else. Lines written before are then passed on, in order.
 */
export class LogGate implements LogStream {
  private held: string[] | null = [];

  constructor(private readonly out: LogStream) {}

  write(line: string): void {
    if (this.held) this.held.push(line);
    else this.out.write(line);
  }

  open(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const line of held) this.out.write(line);
  }
}
