package dev.nabla.samples.ddp;

import dev.nabla.DType;
import dev.nabla.Grad;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.data.DataLoader;
import dev.nabla.data.Datasets;
import dev.nabla.data.Split;
import dev.nabla.data.TensorDataset;
import dev.nabla.distributed.DistributedDataParallel;
import dev.nabla.distributed.DistributedSampler;
import dev.nabla.distributed.ProcessGroup;
import dev.nabla.nn.CrossEntropyLoss;
import dev.nabla.nn.Sequential;
import dev.nabla.optim.Adam;
import dev.nabla.samples.digits.DigitsTraining;

/**
 * The digits MLP trained data-parallel, one process per rank, started by {@code samples/ddp.sh}
 * ({@code mpirun}): every rank reads its {@link DistributedSampler} shard of each epoch, in
 * batches of the global batch size divided by the number of ranks, so a step sees the same
 * number of samples whatever the number of ranks, and {@link DistributedDataParallel} averages
 * the gradients. Each rank prints its throughput and its time in all-reduce per step; rank 0
 * prints the held-out accuracy, which all ranks share since their weights are equal.
 *
 * <p>Arguments: {@code [epochs [globalBatch [learningRate [seed [bucketMiB]]]]]}, by default
 * {@code 10 64 0.01 0 4}.
 */
public final class DigitsDataParallel {
    private DigitsDataParallel() {}

    /** Runs on every rank of the job. */
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int globalBatch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        double lr = args.length > 2 ? Double.parseDouble(args[2]) : 0.01;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 0;
        long bucketBytes = (args.length > 4 ? Long.parseLong(args[4]) : 4) << 20;
        try (ProcessGroup group = ProcessGroup.mpi()) {
            int rank = group.rank();
            int ranks = group.size();
            if (globalBatch % ranks != 0) {
                throw new IllegalArgumentException("the global batch " + globalBatch + " must divide among " + ranks + " ranks");
            }
            Split<TensorDataset> split = Datasets.split(Datasets.digits(), 0.2, seed);
            Nabla.manualSeed(seed);
            Sequential model = DigitsTraining.model(64);
            DistributedDataParallel ddp = new DistributedDataParallel(model, group, bucketBytes, false);
            Adam optimizer = new Adam(model.parameters(), lr);
            CrossEntropyLoss lossFn = new CrossEntropyLoss();
            DistributedSampler sampler = new DistributedSampler(split.train(), ranks, rank, true, seed, false);
            if (rank == 0) {
                System.out.println(String.format("ddp: %d ranks, %d training images (%d per rank per epoch), global batch %d,"
                        + " %d buckets", ranks, split.train().size(), sampler.size(), globalBatch, ddp.bucketCount()));
            }
            for (int epoch = 0; epoch < epochs; epoch++) {
                sampler.setEpoch(epoch);
                DataLoader loader = DataLoader.builder(sampler.shard()).batchSize(globalBatch / ranks).build();
                long commBefore = ddp.allReduceNanos();
                long started = System.nanoTime();
                int steps = 0;
                double lossSum = 0;
                for (Tensor[] batch : loader) {
                    optimizer.zeroGrad();
                    Tensor loss = lossFn.forward(model.forward(batch[0]), batch[1]);
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item();
                    steps++;
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                double commMs = (ddp.allReduceNanos() - commBefore) / 1e6 / steps;
                // One whole line per print: the ranks' output meets in mpirun's.
                System.out.println(String.format("rank %d epoch %2d: loss %.4f, %.0f images/s, all-reduce %.3f ms/step"
                        + " (waiting for the other ranks included)", rank, epoch + 1, lossSum / steps, sampler.size() / seconds, commMs));
            }
            double accuracy;
            try (Grad.Scope off = Grad.disabled()) {
                model.eval();
                Tensor logits = model.forward(split.test().tensor(0));
                accuracy = logits.argmax(1).eq(split.test().tensor(1)).to(DType.FLOAT64).mean().item();
            }
            System.out.println(String.format("rank %d: test accuracy %.4f", rank, accuracy));
        }
    }
}
