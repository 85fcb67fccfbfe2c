// Named errors for data and model files a user points eqmorph at, each carrying the path it is about.

export class DataFileError extends Error {
  /** A missing or corrupt file the user named is bad input. */
  readonly exitCode = 2;
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'DataFileError';
  }
}
