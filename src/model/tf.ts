// The one door to TensorFlow.js: every module imports tf from here, so what is loaded (and what it costs at start-up)
// is decided in one place.

export * from '@tensorflow/tfjs';
