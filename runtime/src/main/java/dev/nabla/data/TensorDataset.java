package dev.nabla.data;

import dev.nabla.Device;
import dev.nabla.Tensor;
import java.util.Arrays;

/**
 * A data set over whole tensors that share their first dimension, as PyTorch's
 * {@code TensorDataset}: sample {@code i} is the {@code i}-th slice of each tensor along
 * dimension 0. A batch is one {@link Tensor#indexSelect(int, Tensor)} per tensor, so a
 * {@link DataLoader} over it copies each batch in a single gather rather than sample by sample.
 */
public final class TensorDataset implements Dataset {
    private final Tensor[] tensors;
    private final int size;

    /**
     * A data set whose samples are the slices of {@code tensors} along dimension 0.
     *
     * @param tensors at least one tensor, each with at least one dimension, all with the same
     *     size in dimension 0 and on the same device; they are used as given, not copied
     * @throws IllegalArgumentException if there is no tensor, one is 0-dimensional, the first
     *     dimensions differ, or the devices differ
     */
    public TensorDataset(Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("TensorDataset: expected at least one tensor");
        }
        this.tensors = tensors.clone();
        Tensor first = this.tensors[0];
        for (int i = 0; i < this.tensors.length; i++) {
            Tensor t = this.tensors[i];
            if (t == null) {
                throw new IllegalArgumentException("TensorDataset: tensor " + i + " is null");
            }
            if (t.dim() == 0) {
                throw new IllegalArgumentException("TensorDataset: tensor " + i
                        + " is 0-dimensional; every tensor needs a first dimension to index samples by");
            }
            if (t.size(0) != first.size(0)) {
                throw new IllegalArgumentException("TensorDataset: size mismatch between tensors: tensor 0 has shape "
                        + Arrays.toString(first.shape()) + " but tensor " + i + " has shape " + Arrays.toString(t.shape())
                        + "; all must have the same size in dimension 0");
            }
            if (!t.device().equals(first.device())) {
                throw new IllegalArgumentException("TensorDataset: tensor 0 is on " + first.device() + " but tensor " + i
                        + " is on " + t.device() + "; all must be on the same device");
            }
        }
        if (first.size(0) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("TensorDataset: at most " + Integer.MAX_VALUE + " samples, got " + first.size(0));
        }
        this.size = (int) first.size(0);
    }

    /** The tensors this data set was built from (the array is a copy, the tensors are not). */
    public Tensor[] tensors() {
        return tensors.clone();
    }

    /**
     * One of the tensors this data set was built from, e.g. {@code tensor(0)} for all inputs.
     *
     * @throws IndexOutOfBoundsException if {@code field} is not in {@code [0, tensors().length)}
     */
    public Tensor tensor(int field) {
        if (field < 0 || field >= tensors.length) {
            throw new IndexOutOfBoundsException("TensorDataset: field " + field + " is out of range for "
                    + tensors.length + " tensors");
        }
        return tensors[field];
    }

    @Override
    public int size() {
        return size;
    }

    /** {@inheritDoc} The tensors returned are views of the data set's tensors, sharing their storage. */
    @Override
    public Tensor[] get(int index) {
        Batching.checkIndex(index, size);
        Tensor[] sample = new Tensor[tensors.length];
        for (int f = 0; f < tensors.length; f++) {
            sample[f] = tensors[f].narrow(0, index, 1).squeeze(0);
        }
        return sample;
    }

    /** {@inheritDoc} Each field is one {@code indexSelect} along dimension 0: a fresh tensor, not a view. */
    @Override
    public Tensor[] batch(Tensor indices) {
        Batching.requireIndexTensor(indices);
        Device device = tensors[0].device();
        Tensor at = indices.device().equals(device) ? indices : indices.to(device);
        Tensor[] fields = new Tensor[tensors.length];
        for (int f = 0; f < tensors.length; f++) {
            fields[f] = tensors[f].indexSelect(0, at);
        }
        return fields;
    }
}
