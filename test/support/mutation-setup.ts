// Loaded before each test file only under mutation testing: a property that fails has found its mutant, so fast-check
// stops there instead of shrinking the counterexample (which can take longer than the whole file).
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
