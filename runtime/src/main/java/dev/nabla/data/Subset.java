package dev.nabla.data;

import dev.nabla.Device;
import dev.nabla.Tensor;

/**
 * A view of some samples of another data set, as PyTorch's {@code Subset}: sample {@code i}
 * is sample {@code indices[i]} of the underlying data set. Batches are gathered by the
 * underlying data set's own {@link Dataset#batch(Tensor)}, so a subset of a
 * {@link TensorDataset} still reads each batch in one gather per field.
 */
public final class Subset implements Dataset {
    private final Dataset dataset;
    private final Tensor indices;
    private final long[] at;

    /**
     * The samples of {@code dataset} at {@code indices}, in that order.
     *
     * @param indices indices into {@code dataset}, each in {@code [0, dataset.size())}; copied
     * @throws IndexOutOfBoundsException naming the first index outside that range
     */
    public Subset(Dataset dataset, long... indices) {
        int n = dataset.size();
        for (long i : indices) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("Subset: index " + i + " is out of range for a dataset of size " + n);
            }
        }
        this.dataset = dataset;
        this.at = indices.clone();
        this.indices = Tensor.of(at);
    }

    /** The underlying data set. */
    public Dataset dataset() {
        return dataset;
    }

    /** The underlying data set's indices of this subset's samples (a copy). */
    public long[] indices() {
        return at.clone();
    }

    @Override
    public int size() {
        return at.length;
    }

    @Override
    public Tensor[] get(int index) {
        Batching.checkIndex(index, at.length);
        return dataset.get((int) at[index]);
    }

    @Override
    public Tensor[] batch(Tensor indices) {
        Batching.checkedIndices(indices, at.length);
        return dataset.batch(this.indices.indexSelect(0, indices.to(Device.CPU)));
    }
}
