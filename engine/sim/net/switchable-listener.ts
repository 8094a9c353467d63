/**
 * A loopback listener that a fault can take down and bring back on the same port, like a
 * machine losing power: subclasses say how to bind and how to close (cutting open sockets).
 */
export abstract class SwitchableListener {
  private wantedUp = false;
  private transitions: Promise<void> = Promise.resolve();

  get isUp(): boolean {
    return this.wantedUp;
  }

  /** Binds once (resolving port 0 to a real port) and stays up until told otherwise. */
  async start(): Promise<void> {
    this.wantedUp = true;
    await this.listen();
  }

  /** Idempotent; transitions are serialised so down/up bursts land in order. */
  setUp(up: boolean): Promise<void> {
    if (up === this.wantedUp) return this.transitions;
    this.wantedUp = up;
    this.transitions = this.transitions.then(() => (up ? this.listen() : this.close()));
    return this.transitions;
  }

  async stop(): Promise<void> {
    this.wantedUp = false;
    await this.transitions;
    await this.close();
  }

  protected abstract listen(): Promise<void>;
  protected abstract close(): Promise<void>;
}
