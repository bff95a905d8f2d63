package dev.nabla.data;

/**
 * A data set divided into disjoint training and test parts, as returned by
 * {@link Datasets#split(Dataset, double, long)}.
 *
 * @param <D> the kind of data set of both parts
 * @param train the samples to train on
 * @param test the held-out samples
 */
public record Split<D extends Dataset>(D train, D test) {}
