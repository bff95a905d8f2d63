package dev.nabla.backend.cuda;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every built-in kernel of the contract between the CUDA kernels and the Java side, with its
 * parameters, one letter each: {@code L} a Layout struct by value, {@code R} a Rows struct,
 * {@code I} an {@code int}, {@code J} a {@code long long}, {@code D} a {@code double} and
 * {@code P} a device pointer.
 */
final class KernelSignatures {
    private static final String[] ALL = {"f32", "f64", "i64", "b8"};
    private static final String[] NUMERIC = {"f32", "f64", "i64"};
    private static final Map<String, String> BUILT_IN = build();

    private KernelSignatures() {}

    private static Map<String, String> build() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String t : ALL) {
            m.put("fill_" + t, "LPD");
            for (String d : ALL) {
                m.put("copy_" + t + "_to_" + d, "LPP");
            }
            m.put("where_" + t, "LPPPP");
            m.put("gather_" + t, "LJPPP");
        }
        for (String t : NUMERIC) {
            m.put("unary_" + t, "LIPP");
            m.put("clamp_" + t, "LPPDD");
            m.put("binary_" + t, "LIPPP");
            m.put("compare_" + t, "LIPPP");
            m.put("scatter_add_" + t, "LJPPP");
            m.put("reduce_" + t, "RIPP");
            m.put("argmax_" + t, "RPP");
            m.put("cumsum_" + t, "RPP");
            for (String layout : new String[] {"nn", "nt", "tn", "tt"}) {
                m.put("gemm_" + layout + "_" + t, "JJJJPJJPJJP");
            }
        }
        m.put("softmax_f32", "RIPP");
        m.put("softmax_f64", "RIPP");
        m.put("adam_f32", "JPPPPPIDDDDDDD");
        m.put("adam_f64", "JPPPPPIDDDDDDD");
        m.put("sgd_f32", "JPPPIDDDD");
        m.put("sgd_f64", "JPPPIDDDD");
        return Collections.unmodifiableMap(m);
    }

    /** Kernel name to parameter letters, for all 61 built-in kernels. */
    static Map<String, String> builtIn() {
        return BUILT_IN;
    }

    /** The letters of the arguments the Java side passes, as the kernels receive them. */
    static String of(List<Object> args) {
        StringBuilder sb = new StringBuilder();
        for (Object a : args) {
            if (a instanceof byte[]) {
                int n = ((byte[]) a).length;
                sb.append(n == Layout.BYTES ? 'L' : n == Rows.BYTES ? 'R' : '?');
            } else if (a instanceof Integer) {
                sb.append('I');
            } else if (a instanceof Long) {
                sb.append('J');
            } else if (a instanceof Float) {
                sb.append('F');
            } else if (a instanceof Double) {
                sb.append('D');
            } else if (a instanceof jcuda.driver.CUdeviceptr) {
                sb.append('P');
            } else {
                sb.append('?');
            }
        }
        return sb.toString();
    }
}
