package dev.nabla.distributed;

import dev.nabla.Tensor;

/**
 * A rank program in which rank 1 throws after the first collective while rank 0 goes on to a
 * second one, which can never complete: the job must end anyway, with rank 1's message.
 */
public final class FailingRankMain {
    private FailingRankMain() {}

    /** Runs on every rank of the job. */
    public static void main(String[] args) {
        try (ProcessGroup group = ProcessGroup.mpi()) {
            group.allReduce(Tensor.of(1.0));
            if (group.rank() == 1) {
                throw new IllegalStateException("rank 1 fails on purpose");
            }
            group.allReduce(Tensor.of(2.0));
        }
    }
}
