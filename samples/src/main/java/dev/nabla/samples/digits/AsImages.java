package dev.nabla.samples.digits;

import dev.nabla.Tensor;
import dev.nabla.nn.UnaryModule;

/** The digits' rows of 64 pixels as the images they are, {@code [n, 64]} to {@code [n, 1, 8, 8]} (a view). */
public final class AsImages extends UnaryModule {
    @Override
    public Tensor forward(Tensor input) {
        return input.reshape(-1, 1, 8, 8);
    }
}
