package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code nabla_kernels.ptx} against the kernels the Java side launches: every
 * kernel present, with the parameters the launches pass (struct sizes, int, double and 64-bit
 * parameters in order). Reads the PTX as text, so it needs no GPU.
 */
class PtxContractTest {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)\\s+\\w+(?:\\[(\\d+)])?");

    /** Each entry's parameters as letters: L and R for the structs, I, F, D, and Q for any 64-bit integer or pointer. */
    static Map<String, String> entries(String ptx) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher e = ENTRY.matcher(ptx);
        while (e.find()) {
            StringBuilder sig = new StringBuilder();
            Matcher p = PARAM.matcher(e.group(2));
            while (p.find()) {
                String type = p.group(1);
                String array = p.group(2);
                if (array != null) {
                    int bytes = Integer.parseInt(array);
                    sig.append(bytes == Layout.BYTES ? 'L' : bytes == Rows.BYTES ? 'R' : '?');
                } else if (type.equals("f64")) {
                    sig.append('D');
                } else if (type.equals("f32")) {
                    sig.append('F');
                } else if (type.endsWith("32")) {
                    sig.append('I');
                } else if (type.endsWith("64")) {
                    sig.append('Q');
                } else {
                    sig.append('?');
                }
            }
            out.put(e.group(1), sig.toString());
        }
        return out;
    }

    /** The Java side's letters, with pointers and long longs both 64-bit integers in PTX. */
    private static String asPtx(String signature) {
        return signature.replace('P', 'Q').replace('J', 'Q');
    }

    @Test
    void theParserReadsStructsScalarsAndPointers() {
        String ptx = ".visible .entry clamp_f32(\n\t.param .align 8 .b8 clamp_f32_param_0[368],\n"
                + "\t.param .u64 clamp_f32_param_1,\n\t.param .u64 clamp_f32_param_2,\n\t.param .f64 clamp_f32_param_3,\n"
                + "\t.param .f64 clamp_f32_param_4\n)\n{\n}\n.visible .entry reduce_f64(\n"
                + "\t.param .align 8 .b8 reduce_f64_param_0[432],\n\t.param .u32 reduce_f64_param_1,\n"
                + "\t.param .u64 reduce_f64_param_2,\n\t.param .u64 reduce_f64_param_3\n)\n{\n}\n";
        Map<String, String> e = entries(ptx);
        assertEquals(asPtx(KernelSignatures.builtIn().get("clamp_f32")), e.get("clamp_f32"));
        assertEquals(asPtx(KernelSignatures.builtIn().get("reduce_f64")), e.get("reduce_f64"));
    }

    @Test
    void everyKernelTheJavaSideLaunchesIsInThePtxWithItsParameters() throws IOException {
        URL url = Kernels.class.getResource(Kernels.RESOURCE);
        assertNotNull(url, Kernels.RESOURCE + " is not on the class path; build it with runtime/src/main/cuda/build-ptx.sh");
        String ptx;
        try (InputStream in = url.openStream()) {
            ptx = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        assertTrue(ptx.contains(".target sm_75"), "built with -arch=compute_75");
        Map<String, String> found = entries(ptx);
        for (Map.Entry<String, String> k : KernelSignatures.builtIn().entrySet()) {
            assertTrue(found.containsKey(k.getKey()), "the PTX lacks " + k.getKey());
            assertEquals(asPtx(k.getValue()), found.get(k.getKey()), k.getKey() + "'s parameters");
        }
    }
}
