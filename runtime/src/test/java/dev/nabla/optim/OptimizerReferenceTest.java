package dev.nabla.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.Tensor;
import dev.nabla.nn.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the steps of {@code optim/expected.json} (written by {@code optim/make_expected.py}
 * with PyTorch 1.13's SGD, Adam and AdamW): same float64 parameters, same gradients (some
 * absent), and after every step the parameters must equal PyTorch's within {@code 1e-12}
 * relative ({@code 1e-12} absolute below 1).
 */
class OptimizerReferenceTest {
    private static final double TOL = 1e-12;

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPyTorch() {
        JsonNode cases = TestData.load("/optim/expected.json").get("cases");
        return StreamSupport.stream(cases.spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> replay(c)));
    }

    private static void replay(JsonNode c) {
        String name = c.get("name").asText();
        List<Tensor> params = new ArrayList<>();
        for (JsonNode p : c.get("params")) {
            params.add(TestData.float64(p).requiresGrad(true));
        }
        Optimizer opt = null;
        for (JsonNode g : c.get("groups")) {
            List<Tensor> group = new ArrayList<>();
            for (JsonNode i : g.get("params")) {
                group.add(params.get(i.asInt()));
            }
            opt = addGroup(c.get("optimizer").asText(), opt, group, g.get("options"));
        }
        int step = 0;
        for (JsonNode grads : c.get("grads")) {
            for (int i = 0; i < params.size(); i++) {
                JsonNode g = grads.get(i);
                params.get(i).setGrad(g.isNull() ? null : TestData.float64(g));
            }
            opt.step();
            JsonNode expected = c.get("expected").get(step);
            for (int i = 0; i < params.size(); i++) {
                TestData.assertClose(expected.get(i), params.get(i), TOL, name + " step " + (step + 1) + " parameter " + i);
            }
            step++;
        }
    }

    /** The optimizer with one more group; the first group creates it. */
    private static Optimizer addGroup(String kind, Optimizer opt, List<Tensor> params, JsonNode o) {
        if (kind.equals("sgd")) {
            SGD.Options options = SGD.options(o.get("lr").asDouble())
                    .momentum(o.path("momentum").asDouble(0))
                    .dampening(o.path("dampening").asDouble(0))
                    .weightDecay(o.path("weight_decay").asDouble(0))
                    .nesterov(o.path("nesterov").asBoolean(false))
                    .maximize(o.path("maximize").asBoolean(false));
            if (opt == null) {
                return new SGD(params, options);
            }
            ((SGD) opt).addParamGroup(params, options);
            return opt;
        }
        boolean decoupled = kind.equals("adamw");
        AdamOptions options = decoupled ? AdamW.options() : Adam.options();
        if (o.has("lr")) {
            options.lr(o.get("lr").asDouble());
        }
        if (o.has("betas")) {
            options.betas(o.get("betas").get(0).asDouble(), o.get("betas").get(1).asDouble());
        }
        if (o.has("eps")) {
            options.eps(o.get("eps").asDouble());
        }
        if (o.has("weight_decay")) {
            options.weightDecay(o.get("weight_decay").asDouble());
        }
        options.amsgrad(o.path("amsgrad").asBoolean(false)).maximize(o.path("maximize").asBoolean(false));
        if (opt == null) {
            return decoupled ? new AdamW(params, options) : new Adam(params, options);
        }
        if (decoupled) {
            ((AdamW) opt).addParamGroup(params, options);
        } else {
            ((Adam) opt).addParamGroup(params, options);
        }
        return opt;
    }
}
