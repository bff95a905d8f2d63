package dev.nabla.samples.tour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's tour prints what the README says it prints. */
class TourTest {
    @Test
    void printsWhatTheReadmeShows() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Tour.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals("tensor([[14., 32.],", lines[0]);
        assertEquals("        [32., 77.]])", lines[1]);
        assertEquals("tensor(13.5000, grad_fn=<SumBackward0>)", lines[2]);
        assertEquals("tensor([5., 7., 9.])", lines[3]);
        assertEquals("tensor([-0.2689,  0.0000,  1.7616], dtype=torch.float64,", lines[4]);
        assertEquals("       grad_fn=<SwishBackward>)", lines[5]);
        assertEquals("true", lines[6]);
        assertEquals("  (1): SwishLayer()", lines[9]);
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("step 100  loss "), last);
        assertTrue(Double.parseDouble(last.substring("step 100  loss ".length())) < 0.05, last);
    }
}
