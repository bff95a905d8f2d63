package dev.nabla.data;

import dev.nabla.Tensor;

/**
 * A finite, indexable collection of samples, as PyTorch's map-style
 * {@code torch.utils.data.Dataset}. A sample is an array of tensors, one per field (for a
 * supervised data set typically {@code {input, target}}), none of them with a batch dimension.
 *
 * <p>A {@link DataLoader} reads a data set in batches through {@link #batch(Tensor)}. The
 * default implementation stacks {@link #get(int)}'s samples one by one; a data set that holds
 * whole tensors (as {@link TensorDataset} does) overrides it with one gather per field.
 */
public interface Dataset {
    /** The number of samples, as Python's {@code len(dataset)}. */
    int size();

    /**
     * One sample: a tensor per field, without a batch dimension.
     *
     * @param index in {@code [0, size())}
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, size())}
     */
    Tensor[] get(int index);

    /**
     * The samples at {@code indices}, stacked: field {@code f} of the result has shape
     * {@code [indices.numel(), ...shape of get(i)[f]]}. This default stacks the samples of
     * {@link #get(int)}, which costs one small tensor per sample and field; data sets that can
     * gather a batch at once should override it.
     *
     * @param indices a 1-D INT64 tensor of sample indices, each in {@code [0, size())}
     * @throws IllegalArgumentException if {@code indices} is not a 1-D INT64 tensor, or is empty
     * @throws IndexOutOfBoundsException if an index is outside {@code [0, size())}
     */
    default Tensor[] batch(Tensor indices) {
        long[] at = Batching.checkedIndices(indices, size());
        if (at.length == 0) {
            throw new IllegalArgumentException("batch: cannot stack an empty list of samples");
        }
        Tensor[][] samples = new Tensor[at.length][];
        for (int i = 0; i < at.length; i++) {
            samples[i] = get((int) at[i]);
            if (samples[i].length != samples[0].length) {
                throw new IllegalStateException("batch: sample " + at[i] + " has " + samples[i].length
                        + " fields but sample " + at[0] + " has " + samples[0].length);
            }
        }
        Tensor[] fields = new Tensor[samples[0].length];
        Tensor[] column = new Tensor[at.length];
        for (int f = 0; f < fields.length; f++) {
            for (int i = 0; i < at.length; i++) {
                column[i] = samples[i][f].unsqueeze(0);
            }
            fields[f] = Tensor.cat(0, column);
        }
        return fields;
    }
}
