package dev.nabla.samples.digits;

/**
 * What one epoch of training measured.
 *
 * @param epoch the epoch, from 1
 * @param trainLoss the mean cross-entropy over the epoch's training batches
 * @param testLoss the cross-entropy on the held-out split after the epoch
 * @param testAccuracy the fraction of the held-out split classified correctly after the epoch
 */
public record EpochStats(int epoch, double trainLoss, double testLoss, double testAccuracy) {}
