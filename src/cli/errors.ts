// Errors a user can meet on the command line, with the exit code they mean (2: bad input, 1: failure).

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
