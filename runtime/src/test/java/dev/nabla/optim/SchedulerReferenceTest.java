package dev.nabla.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * Replays the schedules of {@code optim/schedules.json} (written by {@code optim/make_schedules.py}
 * with PyTorch 1.13): three parameter groups with different learning rates, and after
 * construction and every step each group's learning rate (and, for OneCycleLR, its momentum
 * term) must equal PyTorch's within {@code 1e-12}.
 */
class SchedulerReferenceTest {
    private static final double TOL = 1e-12;

    @TestFactory
    Stream<DynamicTest> everyScheduleMatchesPyTorch() {
        JsonNode cases = TestData.load("/optim/schedules.json").get("cases");
        return StreamSupport.stream(cases.spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> replay(c)));
    }

    private static void replay(JsonNode c) {
        String name = c.get("name").asText();
        Optimizer opt = optimizer(c);
        LRScheduler scheduler = scheduler(c.get("scheduler").asText(), opt, c.get("args"));
        int steps = c.get("steps").asInt();
        assertEquals(steps + 1, c.get("expected_lr").size(), name);
        for (int t = 0; t <= steps; t++) {
            if (t > 0) {
                opt.step();
                scheduler.step();
            }
            double[] expected = doubles(c.get("expected_lr").get(t));
            assertArrayEquals(expected, scheduler.lastLr(), TOL, name + " lastLr at epoch " + t);
            for (int g = 0; g < expected.length; g++) {
                ParamGroup group = opt.paramGroups().get(g);
                assertEquals(expected[g], group.lr(), TOL, name + " lr of group " + g + " at epoch " + t);
                if (c.has("expected_momentum")) {
                    assertEquals(c.get("expected_momentum").get(t).get(g).asDouble(), group.momentum(), TOL,
                            name + " momentum of group " + g + " at epoch " + t);
                }
            }
        }
    }

    private static Optimizer optimizer(JsonNode c) {
        JsonNode o = c.get("options");
        Optimizer opt = null;
        for (JsonNode lr : c.get("lrs")) {
            List<Tensor> params = List.of(Tensor.zeros(2).requiresGrad(true));
            if (c.get("optimizer").asText().equals("sgd")) {
                SGD.Options options = SGD.options(lr.asDouble()).momentum(o.path("momentum").asDouble(0));
                if (opt == null) {
                    opt = new SGD(params, options);
                } else {
                    ((SGD) opt).addParamGroup(params, options);
                }
            } else {
                AdamOptions options = Adam.options().lr(lr.asDouble());
                if (o.has("betas")) {
                    options.betas(o.get("betas").get(0).asDouble(), o.get("betas").get(1).asDouble());
                }
                if (opt == null) {
                    opt = new Adam(params, options);
                } else {
                    ((Adam) opt).addParamGroup(params, options);
                }
            }
        }
        return opt;
    }

    private static LRScheduler scheduler(String kind, Optimizer opt, JsonNode a) {
        switch (kind) {
            case "StepLR":
                return new StepLR(opt, a.get("step_size").asInt(), a.get("gamma").asDouble());
            case "CosineAnnealingLR":
                return new CosineAnnealingLR(opt, a.get("T_max").asInt(), a.get("eta_min").asDouble());
            case "LinearLR":
                return new LinearLR(opt, a.get("start_factor").asDouble(), a.get("end_factor").asDouble(),
                        a.get("total_iters").asInt());
            case "OneCycleLR":
                return new OneCycleLR(opt, a.get("max_lr").asDouble(), a.get("total_steps").asInt());
            default:
                throw new AssertionError("unknown scheduler " + kind);
        }
    }

    private static double[] doubles(JsonNode row) {
        List<Double> out = new ArrayList<>();
        row.forEach(v -> out.add(v.asDouble()));
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
