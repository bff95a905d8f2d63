package dev.nabla;

import static dev.nabla.OpReferenceTest.ints;
import static dev.nabla.OpReferenceTest.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.nn.Functional;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward mode through every differentiable op of the public API against PyTorch's
 * {@code torch.autograd.forward_ad} ({@code reference/jvp.json}, written by
 * {@code reference/make_jvp.py}, whose docstring defines the file format).
 *
 * <p>Each case runs {@link Autograd#jvp} on the Nabla method the case's op names, with the stored
 * inputs and tangents (float64; two float32 cases for the dtype conversions, whose values are exact
 * in both), and compares the output and the output tangent element by element with a tolerance of
 * {@value #TOL} absolute plus {@value #TOL} relative. An op returning several tensors ({@code split},
 * {@code chunk}) is run once per result. A case torch refuses ({@code out=} forms) must make Nabla
 * refuse too, never return a silently wrong tangent.
 *
 * <p>{@link #everyDifferentiableMethodHasReferenceCases} keeps the data complete: every public
 * method of {@link Tensor} and {@link Functional} that returns tensors is either exercised by a case
 * or listed in {@link #EXCLUDED} with the reason it has no tangent.
 */
class JvpReferenceTest {
    /** Absolute and relative tolerance of every comparison. */
    static final double TOL = 1e-10;

    private static final JsonNode ROOT = OpReferenceTest.load("/reference/jvp.json");

    /** How a case's inputs (which carry tangents), constants and arguments become a call of the public API. */
    @FunctionalInterface
    private interface Call {
        Tensor[] apply(Tensor[] in, Tensor[] constants, JsonNode args);
    }

    /** A reference op: the public method it exercises, written as {@link #signature} writes it, and the call. */
    private record Op(String signature, Call call) {
    }

    private static final String FACTORY = "a factory: builds a tensor from Java values, so there is no input to carry a tangent";
    private static final String LIKE =
            "reads only the input's shape, dtype and device: the result is a constant, as torch's *_like";
    private static final String BOOL = "a comparison: its BOOL result has no tangent";

    /** Public tensor-returning methods with no tangent to check, and why. */
    static final Map<String, String> EXCLUDED = excluded();

    private static final Map<String, Op> OPS = ops();

    private static Map<String, String> excluded() {
        Map<String, String> m = new TreeMap<>();
        for (String s : new String[] {"of(float[])", "of(double[])", "of(long[])", "of(boolean[])", "of(float[][])",
                "of(double[][])", "scalar(double)", "scalar(DType,double)", "zeros(long[])", "zeros(DType,long[])",
                "ones(long[])", "ones(DType,long[])", "full(double,long[])", "full(DType,double,long[])",
                "randn(long[])", "randn(DType,long[])", "rand(long[])", "rand(DType,long[])", "arange(long)",
                "arange(DType,long)"}) {
            m.put("Tensor." + s, FACTORY);
        }
        for (String s : new String[] {"zerosLike", "onesLike", "randnLike"}) {
            m.put("Tensor." + s + "(Tensor)", LIKE);
        }
        for (String s : new String[] {"gt", "ge", "lt", "le", "eq", "ne"}) {
            m.put("Tensor." + s + "(Tensor)", BOOL);
            m.put("Tensor." + s + "(double)", BOOL);
        }
        m.put("Tensor.argmax(int)", "its INT64 result has no tangent");
        m.put("Tensor.argmin(int)", "its INT64 result has no tangent");
        m.put("Functional.oneHot(Tensor,int)", "INT64 indices in, an INT64 result out: nothing to differentiate");
        m.put("Tensor.requiresGrad(boolean)", "sets the reverse-mode flag and returns this tensor itself: not an op");
        m.put("Tensor.grad()", "the gradient a backward pass accumulated, not a function of this tensor's value");
        return m;
    }

    private static Tensor[] one(Tensor t) {
        return new Tensor[] {t};
    }

    private static Tensor optional(Tensor[] in, int i) {
        return i < in.length ? in[i] : null;
    }

    private static Map<String, Op> ops() {
        Map<String, Op> m = new TreeMap<>();
        Map<String, BiFunction<Tensor, Tensor, Tensor>> binary = new TreeMap<>();
        binary.put("add", Tensor::add);
        binary.put("sub", Tensor::sub);
        binary.put("mul", Tensor::mul);
        binary.put("div", Tensor::div);
        binary.put("pow", Tensor::pow);
        binary.put("maximum", Tensor::maximum);
        binary.put("minimum", Tensor::minimum);
        binary.forEach((name, f) -> m.put(name, new Op("Tensor." + name + "(Tensor)", (in, c, a) -> one(f.apply(in[0], in[1])))));
        Map<String, BiFunction<Tensor, Double, Tensor>> scalar = new TreeMap<>();
        scalar.put("add", Tensor::add);
        scalar.put("sub", Tensor::sub);
        scalar.put("mul", Tensor::mul);
        scalar.put("div", Tensor::div);
        scalar.put("pow", Tensor::pow);
        scalar.put("maximum", Tensor::maximum);
        scalar.put("minimum", Tensor::minimum);
        scalar.forEach((name, f) -> m.put(name + "Scalar", new Op("Tensor." + name + "(double)",
                (in, c, a) -> one(f.apply(in[0], a.get("value").asDouble())))));
        Map<String, UnaryOperator<Tensor>> unary = new TreeMap<>();
        unary.put("neg", Tensor::neg);
        unary.put("abs", Tensor::abs);
        unary.put("exp", Tensor::exp);
        unary.put("log", Tensor::log);
        unary.put("sqrt", Tensor::sqrt);
        unary.put("sin", Tensor::sin);
        unary.put("cos", Tensor::cos);
        unary.put("tanh", Tensor::tanh);
        unary.put("sigmoid", Tensor::sigmoid);
        unary.put("relu", Tensor::relu);
        unary.put("erf", Tensor::erf);
        unary.put("sign", Tensor::sign);
        unary.put("log1p", Tensor::log1p);
        unary.put("rsqrt", Tensor::rsqrt);
        unary.put("contiguous", Tensor::contiguous);
        unary.put("clone", Tensor::clone);
        unary.put("detach", Tensor::detach);
        unary.put("t", Tensor::t);
        unary.put("flatten", Tensor::flatten);
        unary.put("sum", Tensor::sum);
        unary.put("mean", Tensor::mean);
        unary.put("max", Tensor::max);
        unary.put("min", Tensor::min);
        unary.forEach((name, f) -> m.put(name, new Op("Tensor." + name + "()", (in, c, a) -> one(f.apply(in[0])))));
        m.put("gelu", new Op("Functional.gelu(Tensor)", (in, c, a) -> one(Functional.gelu(in[0]))));
        m.put("silu", new Op("Functional.silu(Tensor)", (in, c, a) -> one(Functional.silu(in[0]))));
        m.put("softplus", new Op("Functional.softplus(Tensor)", (in, c, a) -> one(Functional.softplus(in[0]))));
        // in-place ops act on a clone, as the script does, so that the inputs stay as built
        m.put("add_", new Op("Tensor.add_(Tensor)", (in, c, a) -> one(in[0].clone().add_(in[1]))));
        m.put("sub_", new Op("Tensor.sub_(Tensor)", (in, c, a) -> one(in[0].clone().sub_(in[1]))));
        m.put("mul_", new Op("Tensor.mul_(Tensor)", (in, c, a) -> one(in[0].clone().mul_(in[1]))));
        m.put("add_Scalar", new Op("Tensor.add_(double)", (in, c, a) -> one(in[0].clone().add_(a.get("value").asDouble()))));
        m.put("sub_Scalar", new Op("Tensor.sub_(double)", (in, c, a) -> one(in[0].clone().sub_(a.get("value").asDouble()))));
        m.put("mul_Scalar", new Op("Tensor.mul_(double)", (in, c, a) -> one(in[0].clone().mul_(a.get("value").asDouble()))));
        m.put("zero_", new Op("Tensor.zero_()", (in, c, a) -> one(in[0].clone().zero_())));
        m.put("fill_", new Op("Tensor.fill_(double)", (in, c, a) -> one(in[0].clone().fill_(a.get("value").asDouble()))));
        m.put("copy_", new Op("Tensor.copy_(Tensor)", (in, c, a) -> one((in.length > 1
                ? in[1].clone() : Tensor.zeros(DType.FLOAT64, longs(a.get("shape")))).copy_(in[0]))));
        m.put("uniform_", new Op("Tensor.uniform_(double,double)",
                (in, c, a) -> one(in[0].clone().uniform_(a.get("low").asDouble(), a.get("high").asDouble()))));
        m.put("normal_", new Op("Tensor.normal_(double,double)",
                (in, c, a) -> one(in[0].clone().normal_(a.get("mean").asDouble(), a.get("std").asDouble()))));
        m.put("out", new Op(null, (in, c, a) -> {
            Tensor out = Tensor.zeros(DType.FLOAT64, in[0].shape());
            switch (a.get("binary").asText()) {
                case "add":
                    return one(in[0].add(in[1], out));
                case "sub":
                    return one(in[0].sub(in[1], out));
                case "mul":
                    return one(in[0].mul(in[1], out));
                case "div":
                    return one(in[0].div(in[1], out));
                default:
                    throw new IllegalArgumentException("unknown out= op " + a.get("binary"));
            }
        }));
        m.put("clamp", new Op("Tensor.clamp(double,double)",
                (in, c, a) -> one(in[0].clamp(a.get("min").asDouble(), a.get("max").asDouble()))));
        m.put("clampMin", new Op("Tensor.clampMin(double)", (in, c, a) -> one(in[0].clampMin(a.get("min").asDouble()))));
        m.put("clampMax", new Op("Tensor.clampMax(double)", (in, c, a) -> one(in[0].clampMax(a.get("max").asDouble()))));
        m.put("where", new Op("Tensor.where(Tensor,Tensor,Tensor)", (in, c, a) -> one(Tensor.where(c[0], in[0], in[1]))));
        m.put("maskedFill", new Op("Tensor.maskedFill(Tensor,double)",
                (in, c, a) -> one(in[0].maskedFill(c[0], a.get("value").asDouble()))));
        // reductions and statistics
        m.put("sumDim", new Op("Tensor.sum(int,boolean)",
                (in, c, a) -> one(in[0].sum(a.get("dim").asInt(), a.get("keepDim").asBoolean()))));
        m.put("meanDim", new Op("Tensor.mean(int,boolean)",
                (in, c, a) -> one(in[0].mean(a.get("dim").asInt(), a.get("keepDim").asBoolean()))));
        m.put("var", new Op("Tensor.var(int,boolean)",
                (in, c, a) -> one(in[0].var(a.get("dim").asInt(), a.get("keepDim").asBoolean()))));
        m.put("std", new Op("Tensor.std(int,boolean)",
                (in, c, a) -> one(in[0].std(a.get("dim").asInt(), a.get("keepDim").asBoolean()))));
        m.put("logsumexp", new Op("Tensor.logsumexp(int,boolean)",
                (in, c, a) -> one(in[0].logsumexp(a.get("dim").asInt(), a.get("keepDim").asBoolean()))));
        m.put("amax", new Op("Tensor.amax(int,boolean)",
                (in, c, a) -> one(in[0].amax(a.get("dim").asInt(), a.get("keepDim").asBoolean()))));
        m.put("softmax", new Op("Tensor.softmax(int)", (in, c, a) -> one(in[0].softmax(a.get("dim").asInt()))));
        m.put("logSoftmax", new Op("Tensor.logSoftmax(int)", (in, c, a) -> one(in[0].logSoftmax(a.get("dim").asInt()))));
        m.put("cumsum", new Op("Tensor.cumsum(int)", (in, c, a) -> one(in[0].cumsum(a.get("dim").asInt()))));
        // linear algebra
        m.put("matmul", new Op("Tensor.matmul(Tensor)", (in, c, a) -> one(in[0].matmul(in[1]))));
        m.put("mm", new Op("Tensor.mm(Tensor)", (in, c, a) -> one(in[0].mm(in[1]))));
        m.put("bmm", new Op("Tensor.bmm(Tensor)", (in, c, a) -> one(in[0].bmm(in[1]))));
        // views, shaping, indexing, conversions
        m.put("transpose", new Op("Tensor.transpose(int,int)",
                (in, c, a) -> one(in[0].transpose(a.get("dim0").asInt(), a.get("dim1").asInt()))));
        m.put("reshape", new Op("Tensor.reshape(long[])", (in, c, a) -> one(in[0].reshape(longs(a.get("shape"))))));
        m.put("view", new Op("Tensor.view(long[])", (in, c, a) -> one(in[0].view(longs(a.get("shape"))))));
        m.put("unsqueeze", new Op("Tensor.unsqueeze(int)", (in, c, a) -> one(in[0].unsqueeze(a.get("dim").asInt()))));
        m.put("squeeze", new Op("Tensor.squeeze(int)", (in, c, a) -> one(in[0].squeeze(a.get("dim").asInt()))));
        m.put("expand", new Op("Tensor.expand(long[])", (in, c, a) -> one(in[0].expand(longs(a.get("shape"))))));
        m.put("expandAs", new Op("Tensor.expandAs(Tensor)", (in, c, a) -> one(in[0].expandAs(in[1]))));
        m.put("narrow", new Op("Tensor.narrow(int,long,long)", (in, c, a) -> one(in[0].narrow(a.get("dim").asInt(),
                a.get("start").asLong(), a.get("length").asLong()))));
        m.put("permute", new Op("Tensor.permute(int[])", (in, c, a) -> one(in[0].permute(ints(a.get("dims"))))));
        m.put("flattenRange", new Op("Tensor.flatten(int,int)",
                (in, c, a) -> one(in[0].flatten(a.get("start").asInt(), a.get("end").asInt()))));
        m.put("cat", new Op("Tensor.cat(int,Tensor[])", (in, c, a) -> one(Tensor.cat(a.get("dim").asInt(), in))));
        m.put("stack", new Op("Tensor.stack(int,Tensor[])", (in, c, a) -> one(Tensor.stack(a.get("dim").asInt(), in))));
        m.put("split", new Op("Tensor.split(long,int)", (in, c, a) -> in[0].split(a.get("size").asLong(), a.get("dim").asInt())));
        m.put("chunk", new Op("Tensor.chunk(int,int)", (in, c, a) -> in[0].chunk(a.get("n").asInt(), a.get("dim").asInt())));
        m.put("repeat", new Op("Tensor.repeat(long[])", (in, c, a) -> one(in[0].repeat(longs(a.get("repeats"))))));
        m.put("tril", new Op("Tensor.tril(long)", (in, c, a) -> one(in[0].tril(a.get("diagonal").asLong()))));
        m.put("triu", new Op("Tensor.triu(long)", (in, c, a) -> one(in[0].triu(a.get("diagonal").asLong()))));
        m.put("indexSelect", new Op("Tensor.indexSelect(int,Tensor)",
                (in, c, a) -> one(in[0].indexSelect(a.get("dim").asInt(), c[0]))));
        m.put("gather", new Op("Tensor.gather(int,Tensor)", (in, c, a) -> one(in[0].gather(a.get("dim").asInt(), c[0]))));
        m.put("scatterAdd", new Op("Tensor.scatterAdd(int,Tensor,Tensor)",
                (in, c, a) -> one(in[0].scatterAdd(a.get("dim").asInt(), c[0], in[1]))));
        m.put("toDtype", new Op("Tensor.to(DType)",
                (in, c, a) -> one(in[0].to(OpReferenceTest.dtype(a.get("dtype").asText())))));
        m.put("toDevice", new Op("Tensor.to(Device)", (in, c, a) -> one(in[0].to(Device.CPU))));
        // dev.nabla.nn.Functional
        m.put("linear", new Op("Functional.linear(Tensor,Tensor,Tensor)",
                (in, c, a) -> one(Functional.linear(in[0], in[1], optional(in, 2)))));
        m.put("conv1d", new Op("Functional.conv1d(Tensor,Tensor,Tensor,int,int,int,int)",
                (in, c, a) -> one(Functional.conv1d(in[0], in[1], optional(in, 2), a.get("stride").asInt(),
                        a.get("padding").asInt(), a.get("dilation").asInt(), a.get("groups").asInt()))));
        m.put("conv2d", new Op("Functional.conv2d(Tensor,Tensor,Tensor,int,int,int,int)",
                (in, c, a) -> one(Functional.conv2d(in[0], in[1], optional(in, 2), a.get("stride").asInt(),
                        a.get("padding").asInt(), a.get("dilation").asInt(), a.get("groups").asInt()))));
        m.put("maxPool2d", new Op("Functional.maxPool2d(Tensor,int,int,int)", (in, c, a) -> one(Functional.maxPool2d(
                in[0], a.get("kernel").asInt(), a.get("stride").asInt(), a.get("padding").asInt()))));
        m.put("avgPool2d", new Op("Functional.avgPool2d(Tensor,int,int,int)", (in, c, a) -> one(Functional.avgPool2d(
                in[0], a.get("kernel").asInt(), a.get("stride").asInt(), a.get("padding").asInt()))));
        m.put("adaptiveAvgPool2d", new Op("Functional.adaptiveAvgPool2d(Tensor,int,int)",
                (in, c, a) -> one(Functional.adaptiveAvgPool2d(in[0], a.get("h").asInt(), a.get("w").asInt()))));
        m.put("batchNorm", new Op("Functional.batchNorm(Tensor,Tensor,Tensor,Tensor,Tensor,boolean,double,double)",
                (in, c, a) -> one(Functional.batchNorm(in[0], c[0], c[1], optional(in, 1), optional(in, 2),
                        a.get("training").asBoolean(), a.get("momentum").asDouble(), a.get("eps").asDouble()))));
        m.put("dropout", new Op("Functional.dropout(Tensor,double,boolean)",
                (in, c, a) -> one(Functional.dropout(in[0], a.get("p").asDouble(), a.get("training").asBoolean()))));
        m.put("leakyRelu", new Op("Functional.leakyRelu(Tensor,double)",
                (in, c, a) -> one(Functional.leakyRelu(in[0], a.get("slope").asDouble()))));
        m.put("layerNorm", new Op("Functional.layerNorm(Tensor,long[],Tensor,Tensor,double)",
                (in, c, a) -> one(Functional.layerNorm(in[0], longs(a.get("shape")), optional(in, 1), optional(in, 2),
                        a.get("eps").asDouble()))));
        m.put("embedding", new Op("Functional.embedding(Tensor,Tensor)", (in, c, a) -> one(Functional.embedding(c[0], in[0]))));
        m.put("scaledDotProductAttention", new Op("Functional.scaledDotProductAttention(Tensor,Tensor,Tensor,Tensor,boolean)",
                (in, c, a) -> one(Functional.scaledDotProductAttention(in[0], in[1], in[2], c.length > 0 ? c[0] : null,
                        a.get("causal").asBoolean()))));
        m.put("crossEntropy", new Op("Functional.crossEntropy(Tensor,Tensor)",
                (in, c, a) -> one(Functional.crossEntropy(in[0], c[0]))));
        m.put("crossEntropySmoothed", new Op("Functional.crossEntropy(Tensor,Tensor,long,double)",
                (in, c, a) -> one(Functional.crossEntropy(in[0], c[0], a.get("ignoreIndex").asLong(),
                        a.get("labelSmoothing").asDouble()))));
        m.put("nllLoss", new Op("Functional.nllLoss(Tensor,Tensor)", (in, c, a) -> one(Functional.nllLoss(in[0], c[0]))));
        m.put("binaryCrossEntropyWithLogits", new Op("Functional.binaryCrossEntropyWithLogits(Tensor,Tensor)",
                (in, c, a) -> one(Functional.binaryCrossEntropyWithLogits(in[0], in[1]))));
        return m;
    }

    private static Stream<JsonNode> cases() {
        return StreamSupport.stream(ROOT.get("cases").spliterator(), false);
    }

    static Stream<Arguments> referenceCases() {
        return cases().map(c -> Arguments.of(c.get("name").asText(), c));
    }

    private static Tensor[] build(JsonNode specs) {
        Tensor[] out = new Tensor[specs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = specs.get(i).isNull() ? null : OpReferenceTest.build(specs.get(i));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("referenceCases")
    void jvpMatchesPyTorchForwardAD(String name, JsonNode c) {
        // the case's name in every failure, since build reports show parameterized tests by index
        try {
            check(c);
        } catch (AssertionError e) {
            throw new AssertionError(name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new AssertionError(name + ": threw " + e, e);
        }
    }

    private static void check(JsonNode c) {
        Op op = OPS.get(c.get("op").asText());
        assertNotNull(op, "unknown op " + c.get("op"));
        Tensor[] inputs = build(c.get("inputs"));
        Tensor[] tangents = build(c.get("tangents"));
        JsonNode args = c.get("args");
        if (c.has("error")) {
            // constants are rebuilt on every call: batch norm updates its running statistics in place
            Gradcheck.Fn fn = in -> op.call().apply(in, build(c.get("constants")), args)[0];
            RuntimeException e = assertThrows(RuntimeException.class, () -> Autograd.jvp(fn, inputs, tangents),
                    "torch refuses forward mode here (" + c.get("error").asText() + ")");
            // Nabla's message for a refused forward mode may be an IllegalStateException or the
            // UnsupportedOperationException of an op without a rule; either must name the out= form
            assertTrue(e instanceof IllegalStateException || e instanceof IllegalArgumentException
                    || e instanceof UnsupportedOperationException, "a user-facing exception, got " + e);
            assertTrue(String.valueOf(e.getMessage()).contains("out"), "message should name the out= form: " + e.getMessage());
            return;
        }
        JsonNode outputs = c.get("outputs");
        assertEquals(outputs.size(), op.call().apply(inputs, build(c.get("constants")), args).length, "number of results");
        for (int k = 0; k < outputs.size(); k++) {
            int result = k;
            Gradcheck.Fn fn = in -> op.call().apply(in, build(c.get("constants")), args)[result];
            Tensor[] r = Autograd.jvp(fn, inputs, tangents);
            String where = outputs.size() > 1 ? "result " + k + " " : "";
            assertClose(outputs.get(k).get("value"), r[0], where + "output");
            assertClose(outputs.get(k).get("tangent"), r[1], where + "tangent");
        }
    }

    /** Compares dtype, shape and values within {@link #TOL}, naming the first element out of tolerance. */
    private static void assertClose(JsonNode expected, Tensor actual, String what) {
        assertEquals(OpReferenceTest.dtype(expected.get("dtype").asText()), actual.dtype(), what + " dtype");
        assertArrayEquals(longs(expected.get("shape")), actual.shape(), what + " shape");
        double[] got = actual.toDoubleArray();
        JsonNode values = expected.get("values");
        for (int i = 0; i < got.length; i++) {
            double want = values.get(i).asDouble();
            double err = Math.abs(got[i] - want);
            if (!(err <= TOL + TOL * Math.abs(want))) {
                throw new AssertionError(what + " element " + i + ": PyTorch " + want + ", Nabla " + got[i]
                        + " (tolerance " + TOL + " + " + TOL + " relative)");
            }
        }
    }

    /** {@code Tensor.add(Tensor)}, {@code Functional.linear(Tensor,Tensor,Tensor)}: the class, the name, the parameter types. */
    private static String signature(Method m) {
        return m.getDeclaringClass().getSimpleName() + "." + m.getName() + Arrays.stream(m.getParameterTypes())
                .map(Class::getSimpleName).collect(Collectors.joining(",", "(", ")"));
    }

    private static Set<String> tensorMethods(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
                .filter(m -> m.getReturnType() == Tensor.class || m.getReturnType() == Tensor[].class)
                .map(JvpReferenceTest::signature)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyDifferentiableMethodHasReferenceCases() {
        Set<String> api = new TreeSet<>(tensorMethods(Tensor.class));
        api.addAll(tensorMethods(Functional.class));
        Set<String> stale = new TreeSet<>(EXCLUDED.keySet());
        stale.removeAll(api);
        assertEquals(Set.of(), stale, "excluded methods that are not public tensor-returning methods");
        Map<String, String> outForms = new HashMap<>();
        for (String b : new String[] {"add", "sub", "mul", "div"}) {
            outForms.put("Tensor." + b + "(Tensor,Tensor)", b);
        }
        Set<String> covered = new TreeSet<>();
        Set<String> refused = new TreeSet<>();
        cases().forEach(c -> {
            Op op = OPS.get(c.get("op").asText());
            assertNotNull(op, "unknown op " + c.get("op"));
            if (c.has("error")) {
                refused.add(c.get("args").get("binary").asText());
            } else {
                covered.add(op.signature());
            }
        });
        assertEquals(new TreeSet<>(outForms.values()), refused, "out= forms with a case checking that forward mode refuses them");
        Set<String> expected = new TreeSet<>(api);
        expected.removeAll(EXCLUDED.keySet());
        expected.removeAll(outForms.keySet());
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(covered);
        Set<String> unknown = new TreeSet<>(covered);
        unknown.removeAll(expected);
        assertTrue(missing.isEmpty(), "public differentiable methods without a jvp reference case (add cases to "
                + "make_jvp.py, or list the method in EXCLUDED with the reason): " + missing);
        assertEquals(Set.of(), unknown, "cases naming a method that is not public API or is excluded");
    }
}
