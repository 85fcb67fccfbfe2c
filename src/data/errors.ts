// Named errors for data and model files a user points eqmorph at, each carrying the path it is about.

export class DataFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'DataFileError';
  }
}
