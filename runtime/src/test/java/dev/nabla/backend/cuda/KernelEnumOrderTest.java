package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The kernels take an op as the ordinal of a Java enum of {@code dev.nabla.backend}
 * ({@code UnaryOp}, {@code BinaryOp}, {@code ReduceOp}); {@code nabla_kernels.cu} mirrors each
 * as a C enum. Every C enum there must list the Java enum's constants in the Java order, so that
 * adding an op is caught here instead of in a kernel that silently computes another op.
 */
class KernelEnumOrderTest {
    private static final Pattern C_ENUM = Pattern.compile("\\benum\\s+(\\w+)\\s*\\{([^}]*)}\\s*;");

    /** Each C enum of {@code source} by name, with its constants in order. */
    static Map<String, List<String>> cEnums(String source) {
        String code = source.replaceAll("//[^\n]*", "").replaceAll("(?s)/\\*.*?\\*/", "");
        Map<String, List<String>> enums = new LinkedHashMap<>();
        Matcher m = C_ENUM.matcher(code);
        while (m.find()) {
            List<String> constants = new ArrayList<>();
            for (String c : m.group(2).split(",")) {
                String name = c.trim();
                if (!name.isEmpty()) {
                    constants.add(name);
                }
            }
            enums.put(m.group(1), constants);
        }
        return enums;
    }

    private static List<String> javaConstants(String simpleName) throws ClassNotFoundException {
        Class<?> type = Class.forName("dev.nabla.backend." + simpleName);
        assertTrue(type.isEnum(), "dev.nabla.backend." + simpleName + " is not an enum");
        return Arrays.stream(type.getEnumConstants()).map(e -> ((Enum<?>) e).name()).toList();
    }

    @Test
    void theParserReadsNamesAndConstantsAndSkipsComments() {
        Map<String, List<String>> e = cEnums("// enum Fake { X };\nenum A { P, Q,\n  R };\n/* enum B { S }; */ enum C {T};");
        assertEquals(Map.of("A", List.of("P", "Q", "R"), "C", List.of("T")), e);
    }

    @Test
    void everyOpEnumOfTheKernelsListsTheJavaEnumInItsOrder() throws IOException, ClassNotFoundException {
        String source = Files.readString(RuntimeModule.dir().resolve("src/main/cuda/nabla_kernels.cu"), StandardCharsets.UTF_8);
        Map<String, List<String>> enums = cEnums(source);
        assertFalse(enums.isEmpty(), "no enum found in nabla_kernels.cu");
        assertTrue(enums.keySet().containsAll(List.of("UnaryOp", "BinaryOp", "ReduceOp")),
                "nabla_kernels.cu must declare enum UnaryOp, BinaryOp and ReduceOp, found " + enums.keySet());
        for (Map.Entry<String, List<String>> e : enums.entrySet()) {
            assertEquals(javaConstants(e.getKey()), e.getValue(),
                    "enum " + e.getKey() + " of nabla_kernels.cu must list dev.nabla.backend." + e.getKey()
                            + "'s constants in their Java order (the kernels take ordinals)");
        }
    }
}
