package dev.nabla.samples.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.autograd.GradcheckCase;
import org.junit.jupiter.api.Test;

/**
 * The gradient checks the processor generated for the sample ops (in {@code target/classes},
 * where {@code nabla-junit} will find them): each enabled one passes, and the disabled one says
 * why and would indeed fail.
 */
class GeneratedGradchecksTest {
    @Test
    void enabledChecksPass() {
        for (GradcheckCase c : new GradcheckCase[] {MyReLUFunction.gradcheck(),
                LinearOpFunction.gradcheck(), RowMaxFunction.gradcheck(), ConvReLUFunction.gradcheck()}) {
            assertNull(c.disabledReason(), c.opClassName());
            c.run();
        }
        assertEquals("dev.nabla.samples.ops.LinearOp", LinearOpFunction.gradcheck().opClassName());
    }

    @Test
    void straightThroughCheckIsDisabledWithItsReason() {
        GradcheckCase c = BinarizeFunction.gradcheck();
        assertEquals("dev.nabla.samples.ops.Binarize", c.opClassName());
        assertTrue(c.disabledReason().startsWith("straight-through estimator"));
        AssertionError e = assertThrows(AssertionError.class, c::run);
        assertTrue(e.getMessage().startsWith("Binarize: gradcheck failed"), e.getMessage());
    }
}
