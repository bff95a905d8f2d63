package dev.nabla;

import static dev.nabla.OpReferenceTest.ints;
import static dev.nabla.OpReferenceTest.longs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The tensor ops of the second stage against values and gradients computed once by PyTorch
 * ({@code reference/tensor_ops.json}, written by {@code reference/make_tensor_ops.py}, whose
 * docstring defines the file format).
 *
 * <p>Each case builds its inputs as {@link OpReferenceTest} does, marks the floating inputs that
 * torch differentiated as requiring grad before their view ops ({@code prep}), and compares every
 * result (dtype, shape, values, with {@link OpReferenceTest}'s tolerances: {@code 1e-12} in
 * float64, {@code 1e-5} in float32), the name of the first result's {@code grad_fn}, and the
 * gradient of {@code sum_i (result_i * weights_i).sum()} with respect to each input. A case torch
 * rejects must make Nabla throw a user-facing exception whose message contains the stored substring.
 */
class TensorOpsReferenceTest {
    /** How a case's inputs and arguments become a call of Nabla's public API. */
    @FunctionalInterface
    private interface Op {
        Tensor[] apply(List<Tensor> in, JsonNode args);
    }

    /**
     * Ops whose first result's node is not named as torch's, and why: both are compositions of
     * views whose gradients are checked here all the same.
     */
    private static final Map<String, String> OWN_GRAD_FN = Map.of(
            "split", "each piece is a narrow view (SliceBackward0); torch records one SplitBackward0 for all pieces",
            "chunk", "as split",
            "flatten", "flatten is reshape (ViewBackward0); torch names its reshape ReshapeAliasBackward0 or UnsafeViewBackward0",
            "flattenRange", "as flatten");

    private static final Map<String, Op> OPS = ops();
    private static final JsonNode ROOT = OpReferenceTest.load("/reference/tensor_ops.json");

    private static Tensor[] one(Tensor t) {
        return new Tensor[] {t};
    }

    private static Map<String, Op> ops() {
        Map<String, Op> m = new TreeMap<>();
        m.put("permute", (in, a) -> one(in.get(0).permute(ints(a.get("dims")))));
        m.put("flatten", (in, a) -> one(in.get(0).flatten()));
        m.put("flattenRange", (in, a) -> one(in.get(0).flatten(a.get("start").asInt(), a.get("end").asInt())));
        m.put("stack", (in, a) -> one(Tensor.stack(a.get("dim").asInt(), in.toArray(new Tensor[0]))));
        m.put("split", (in, a) -> in.get(0).split(a.get("size").asLong(), a.get("dim").asInt()));
        m.put("chunk", (in, a) -> in.get(0).chunk(a.get("n").asInt(), a.get("dim").asInt()));
        m.put("repeat", (in, a) -> one(in.get(0).repeat(longs(a.get("repeats")))));
        m.put("bmm", (in, a) -> one(in.get(0).bmm(in.get(1))));
        m.put("cumsum", (in, a) -> one(in.get(0).cumsum(a.get("dim").asInt())));
        m.put("var", (in, a) -> one(in.get(0).var(a.get("dim").asInt(), a.get("keepDim").asBoolean())));
        m.put("std", (in, a) -> one(in.get(0).std(a.get("dim").asInt(), a.get("keepDim").asBoolean())));
        m.put("logsumexp", (in, a) -> one(in.get(0).logsumexp(a.get("dim").asInt(), a.get("keepDim").asBoolean())));
        m.put("amax", (in, a) -> one(in.get(0).amax(a.get("dim").asInt(), a.get("keepDim").asBoolean())));
        m.put("min", (in, a) -> one(in.get(0).min()));
        m.put("max", (in, a) -> one(in.get(0).max()));
        m.put("argmin", (in, a) -> one(in.get(0).argmin(a.get("dim").asInt())));
        m.put("tril", (in, a) -> one(in.get(0).tril(a.get("diagonal").asLong())));
        m.put("triu", (in, a) -> one(in.get(0).triu(a.get("diagonal").asLong())));
        m.put("log1p", (in, a) -> one(in.get(0).log1p()));
        m.put("rsqrt", (in, a) -> one(in.get(0).rsqrt()));
        m.put("sign", (in, a) -> one(in.get(0).sign()));
        m.put("scatterAdd", (in, a) -> one(in.get(0).scatterAdd(a.get("dim").asInt(), in.get(1), in.get(2))));
        return m;
    }

    private static Stream<JsonNode> cases() {
        return StreamSupport.stream(ROOT.get("cases").spliterator(), false);
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return OpReferenceTest.dynamicTests(ROOT, TensorOpsReferenceTest::check);
    }

    @Test
    void everyOpHasCasesWithGradientsAndErrors() {
        Set<String> values = new TreeSet<>();
        Set<String> gradients = new TreeSet<>();
        Set<String> errors = new TreeSet<>();
        cases().forEach(c -> {
            String op = c.get("op").asText();
            (c.has("error") ? errors : values).add(op);
            if (c.has("grads")) {
                gradients.add(op);
            }
        });
        assertEquals(OPS.keySet(), values, "ops with value cases");
        Set<String> differentiable = new TreeSet<>(OPS.keySet());
        differentiable.remove("argmin");
        assertEquals(differentiable, gradients, "ops with gradient cases");
        Set<String> withoutErrors = new TreeSet<>(OPS.keySet());
        withoutErrors.removeAll(errors);
        // torch's flatten() and elementwise functions accept every tensor; all other ops have error cases.
        assertEquals(Set.of("flatten", "log1p", "rsqrt", "sign"), withoutErrors, "ops without error cases");
    }

    private static void check(JsonNode c) {
        Op op = OPS.get(c.get("op").asText());
        assertNotNull(op, "unknown op " + c.get("op"));
        JsonNode grads = c.get("grads");
        List<Tensor> leaves = new ArrayList<>();
        List<Tensor> inputs = new ArrayList<>();
        int k = 0;
        for (JsonNode spec : c.get("inputs")) {
            ObjectNode bare = spec.deepCopy();
            bare.remove("prep");
            Tensor leaf = OpReferenceTest.build(bare);
            if (grads != null && !grads.get(k).isNull()) {
                leaf.requiresGrad(true);
            }
            Tensor x = leaf;
            if (spec.has("prep")) {
                for (JsonNode step : spec.get("prep")) {
                    x = OpReferenceTest.prep(x, step);
                }
            }
            leaves.add(leaf);
            inputs.add(x);
            k++;
        }
        JsonNode args = c.get("args");
        if (c.has("error")) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> op.apply(inputs, args),
                    "torch rejects this (" + c.get("error").asText() + ")");
            OpReferenceTest.assertUserError(e, c.get("message").asText());
            return;
        }
        Tensor[] results = op.apply(inputs, args);
        JsonNode expected = c.get("expected");
        assertEquals(expected.size(), results.length, "number of results");
        for (int i = 0; i < results.length; i++) {
            OpReferenceTest.assertMatches(expected.get(i), results[i]);
        }
        if (c.has("gradFn") && !OWN_GRAD_FN.containsKey(c.get("op").asText())) {
            assertNotNull(results[0].gradFn(), "grad_fn");
            assertEquals(c.get("gradFn").asText(), results[0].gradFn().name(), "grad_fn");
        }
        if (grads != null) {
            checkGradients(c, leaves, results);
        }
    }

    private static void checkGradients(JsonNode c, List<Tensor> leaves, Tensor[] results) {
        Tensor loss = null;
        for (int i = 0; i < results.length; i++) {
            if (results[i].requiresGrad()) {
                Tensor term = results[i].mul(OpReferenceTest.build(c.get("weights").get(i))).sum();
                loss = loss == null ? term : loss.add(term);
            }
        }
        assertNotNull(loss, "torch differentiated this case, so some result must require grad");
        List<Tensor> wrt = new ArrayList<>();
        List<JsonNode> want = new ArrayList<>();
        JsonNode grads = c.get("grads");
        for (int k = 0; k < leaves.size(); k++) {
            if (!grads.get(k).isNull()) {
                wrt.add(leaves.get(k));
                want.add(grads.get(k));
            }
        }
        Tensor[] got = Autograd.grad(new Tensor[] {loss}, wrt.toArray(new Tensor[0]), null, false, false, true);
        for (int k = 0; k < got.length; k++) {
            Tensor g = got[k] != null ? got[k] : Tensor.zerosLike(wrt.get(k));
            try {
                OpReferenceTest.assertMatches(want.get(k), g);
            } catch (AssertionError e) {
                throw new AssertionError("gradient of input " + k + ": " + e.getMessage(), e);
            }
        }
    }
}
