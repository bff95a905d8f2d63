package dev.nabla.processor;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.util.HashSet;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.ExecutableElement;

/**
 * Reads the forward's body for what its signature does not say: which tensor parameters it
 * compares with {@code null} ({@code if (bias != null)}), that is, which ones the op accepts as
 * absent, so that the generated check also runs with them null.
 *
 * <p>It uses javac's Trees API when there is one; under another compiler, or when the forward is
 * not in source, it finds nothing, and only a {@code @Nullable} on the parameter says so.
 */
final class ForwardSource {
    private final Trees trees;

    private ForwardSource(Trees trees) {
        this.trees = trees;
    }

    /** An instance using javac's Trees when {@code env} is javac's, or one that finds nothing. */
    static ForwardSource of(ProcessingEnvironment env) {
        try {
            return new ForwardSource(Trees.instance(env));
        } catch (IllegalArgumentException | LinkageError e) {
            return new ForwardSource(null);
        }
    }

    /** The names of {@code forward}'s parameters that its body compares with {@code null} ({@code ==} or {@code !=}). */
    Set<String> parametersComparedWithNull(ExecutableElement forward) {
        Set<String> found = new HashSet<>();
        MethodTree method = trees == null ? null : trees.getTree(forward);
        if (method == null || method.getBody() == null) {
            return found;
        }
        Set<String> params = new HashSet<>();
        for (VariableTree p : method.getParameters()) {
            params.add(p.getName().toString());
        }
        new TreeScanner<Void, Void>() {
            @Override
            public Void visitBinary(BinaryTree node, Void unused) {
                if (node.getKind() == Tree.Kind.EQUAL_TO || node.getKind() == Tree.Kind.NOT_EQUAL_TO) {
                    String left = parameter(node.getLeftOperand(), params);
                    String right = parameter(node.getRightOperand(), params);
                    if (left != null && isNull(node.getRightOperand())) {
                        found.add(left);
                    } else if (right != null && isNull(node.getLeftOperand())) {
                        found.add(right);
                    }
                }
                return super.visitBinary(node, unused);
            }
        }.scan(method.getBody(), null);
        return found;
    }

    private static String parameter(ExpressionTree e, Set<String> params) {
        return e instanceof IdentifierTree id && params.contains(id.getName().toString()) ? id.getName().toString()
                : null;
    }

    private static boolean isNull(ExpressionTree e) {
        return e.getKind() == Tree.Kind.NULL_LITERAL;
    }
}
