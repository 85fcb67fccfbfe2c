// Every hyperparameter of the model and its training, in one typed, overridable object.

export interface ModelConfig {
  /** Widths of the encoder's residual blocks; the decoder mirrors them. */
  readonly blockWidths: readonly number[];
  /** Latent dimension k. */
  readonly latentDim: number;
  /** Width of the semantic (contrastive) embedding. */
  readonly embeddingDim: number;
  readonly dropout: number;
  /** Temperature of the supervised NT-Xent loss. */
  readonly temperature: number;
  /** Weight of the contrastive loss against reconstruction. */
  readonly contrastiveWeight: number;
  /**
   * Weight of the anchor loss: each term's current centroid, decoded, against the term's anchor settings (a parametric
   * fit to the mean response of its training examples). 0 gives the seed's loss exactly (reconstruction + contrastive).
   */
  readonly anchorWeight: number;
  /** Final epochs (part of `epochs`) that train only the decoder, with the encoder and so the centroids frozen. */
  readonly polishEpochs: number;
  /** Anchor weight during the polish epochs, when only the decoder moves and the latent space cannot be distorted. */
  readonly polishAnchorWeight: number;
  /**
   * Weight of the SocialEQ words' anchors (their fitted settings) as a group, against the SAFE terms' anchors as a
   * group (weight 1): with hundreds of words, a plain mean over all anchors would drown the three SAFE terms.
   */
  readonly socialAnchorWeight: number;
  /** SocialEQ anchors decoded per training step (drawn at random): decoding all of them each step would triple its cost. */
  readonly socialAnchorsPerStep: number;
  /** Training copies of a SocialEQ word at most (the best-supported words); every word gets at least two. */
  readonly socialMaxCopies: number;
  /** Jitter of a word's extra copies, in standard deviations of the training data. */
  readonly socialJitter: number;
  readonly learningRate: number;
  /**
   * Learning rate of the last epoch before the polish epochs: the rate falls from `learningRate` along a half cosine
   * over those epochs (equal to `learningRate`: constant). The polish epochs start again from `polishLearningRate`.
   */
  readonly finalLearningRate: number;
  /** Main epochs at `learningRate` before the fall to `finalLearningRate` begins (0: it falls from the first). */
  readonly constantEpochs: number;
  /** Learning rate of the first decoder-only polish epoch (the polish has its own Adam, started afresh). */
  readonly polishLearningRate: number;
  /** Learning rate of the last polish epoch: it falls from `polishLearningRate` along a half cosine (equal: constant). */
  readonly polishFinalLearningRate: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** Stop when the held-out reconstruction loss has not improved by minDelta for this many epochs (0: never). */
  readonly patience: number;
  readonly minDelta: number;
  readonly seed: number;
  /** Share of each term's examples held out for evaluation and early stopping. */
  readonly heldOutShare: number;
  /** Terms need at least this many examples (after outlier removal). */
  readonly minExamples: number;
  /** Examples with any parameter beyond this many standard deviations of their term's mean are dropped. */
  readonly outlierSigma: number;
}

export const DEFAULT_CONFIG: ModelConfig = {
  blockWidths: [128, 256, 128],
  latentDim: 32,
  embeddingDim: 128,
  dropout: 0.1,
  temperature: 0.1,
  contrastiveWeight: 0.1,
  anchorWeight: 1,
  polishEpochs: 25,
  polishAnchorWeight: 10,
  socialAnchorWeight: 1,
  socialAnchorsPerStep: 32,
  socialMaxCopies: 3,
  socialJitter: 0.3,
  learningRate: 1e-3,
  finalLearningRate: 1e-3,
  constantEpochs: 0,
  polishLearningRate: 1e-3,
  polishFinalLearningRate: 1e-4,
  batchSize: 64,
  epochs: 80,
  patience: 0,
  minDelta: 1e-4,
  seed: 42,
  heldOutShare: 0.2,
  minExamples: 8,
  outlierSigma: 3,
};

export function withOverrides(base: ModelConfig, overrides: Partial<ModelConfig>): ModelConfig {
  const merged = { ...base, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  return merged as ModelConfig;
}
