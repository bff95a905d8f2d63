package dev.nabla.processor;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.ExecutableElement;

/**
 * Finds {@code @Saved} tensor fields that the forward assigns an intermediate: anything but a
 * forward parameter, the returned value (or one of the returned record's components), or
 * {@code null}. Such a tensor was computed with grad disabled, so it has no graph, and a double
 * backward through it is silently wrong.
 *
 * <p>It reads the forward's source through javac's Trees API when there is one; under another
 * compiler, or when the forward is not in source, it finds nothing, which only loses a warning.
 */
final class SavedAssignments {
    private final Trees trees;

    private SavedAssignments(Trees trees) {
        this.trees = trees;
    }

    /** An instance using javac's Trees when {@code env} is javac's, or one that finds nothing. */
    static SavedAssignments of(ProcessingEnvironment env) {
        try {
            return new SavedAssignments(Trees.instance(env));
        } catch (IllegalArgumentException | LinkageError e) {
            // Not javac (or a wrapped environment): the warning is best-effort, the rest does not need Trees.
            return new SavedAssignments(null);
        }
    }

    /** Whether {@code element} comes from a source file of this compilation; null when that cannot be told. */
    Boolean isFromSource(javax.lang.model.element.Element element) {
        return trees == null ? null : trees.getPath(element) != null;
    }

    /**
     * The saved fields of {@code forward}'s class that it assigns an intermediate, each with the
     * source text of the value assigned, in the order assigned.
     *
     * @param savedTensorFields the names of the class's {@code @Saved} tensor fields
     */
    Map<String, String> intermediates(ExecutableElement forward, Set<String> savedTensorFields) {
        Map<String, String> found = new LinkedHashMap<>();
        if (trees == null || savedTensorFields.isEmpty()) {
            return found;
        }
        MethodTree method = trees.getTree(forward);
        if (method == null || method.getBody() == null) {
            return found;
        }
        Set<String> params = new HashSet<>();
        for (VariableTree p : method.getParameters()) {
            params.add(p.getName().toString());
        }
        Set<String> locals = new HashSet<>();
        Set<String> returned = new HashSet<>();
        Map<String, ExpressionTree> assigned = new LinkedHashMap<>();
        new TreeScanner<Void, Void>() {
            @Override
            public Void visitVariable(VariableTree node, Void unused) {
                locals.add(node.getName().toString());
                return super.visitVariable(node, unused);
            }

            @Override
            public Void visitLambdaExpression(LambdaExpressionTree node, Void unused) {
                // A lambda's returns are not the forward's.
                return null;
            }

            @Override
            public Void visitReturn(ReturnTree node, Void unused) {
                collectReturned(node.getExpression(), returned);
                return super.visitReturn(node, unused);
            }

            @Override
            public Void visitAssignment(AssignmentTree node, Void unused) {
                String field = savedField(node.getVariable(), savedTensorFields, params, locals);
                if (field != null) {
                    assigned.put(field, node.getExpression());
                }
                return super.visitAssignment(node, unused);
            }
        }.scan(method.getBody(), null);
        for (Map.Entry<String, ExpressionTree> e : assigned.entrySet()) {
            // A field in `returned` was returned itself (return this.y = ..., or return this.y).
            if (!returned.contains(e.getKey()) && !isParameterOrReturned(e.getValue(), params, returned)) {
                found.put(e.getKey(), e.getValue().toString());
            }
        }
        return found;
    }

    /** The saved field an assignment target names ({@code this.f}, or {@code f} when no variable shadows it), or null. */
    private static String savedField(ExpressionTree target, Set<String> saved, Set<String> params, Set<String> locals) {
        if (target instanceof MemberSelectTree select && select.getExpression() instanceof IdentifierTree owner
                && owner.getName().contentEquals("this")) {
            String name = select.getIdentifier().toString();
            return saved.contains(name) ? name : null;
        }
        if (target instanceof IdentifierTree id) {
            String name = id.getName().toString();
            return saved.contains(name) && !params.contains(name) && !locals.contains(name) ? name : null;
        }
        return null;
    }

    /** Adds the variables a return statement returns: the expression itself, a record's constructor arguments, an assignment's target. */
    private static void collectReturned(ExpressionTree expr, Set<String> returned) {
        ExpressionTree e = strip(expr);
        if (e instanceof IdentifierTree id) {
            returned.add(id.getName().toString());
        } else if (e instanceof NewClassTree created) {
            for (ExpressionTree arg : created.getArguments()) {
                collectReturned(arg, returned);
            }
        } else if (e instanceof ConditionalExpressionTree cond) {
            collectReturned(cond.getTrueExpression(), returned);
            collectReturned(cond.getFalseExpression(), returned);
        } else if (e instanceof AssignmentTree assignment) {
            collectReturned(assignment.getVariable(), returned);
            collectReturned(assignment.getExpression(), returned);
        } else if (e instanceof MemberSelectTree select && select.getExpression() instanceof IdentifierTree owner
                && owner.getName().contentEquals("this")) {
            returned.add(select.getIdentifier().toString());
        }
    }

    private static boolean isParameterOrReturned(ExpressionTree value, Set<String> params, Set<String> returned) {
        ExpressionTree e = strip(value);
        if (e.getKind() == Tree.Kind.NULL_LITERAL) {
            return true;
        }
        if (e instanceof ConditionalExpressionTree cond) {
            return isParameterOrReturned(cond.getTrueExpression(), params, returned)
                    && isParameterOrReturned(cond.getFalseExpression(), params, returned);
        }
        if (e instanceof IdentifierTree id) {
            String name = id.getName().toString();
            return params.contains(name) || returned.contains(name);
        }
        return false;
    }

    private static ExpressionTree strip(ExpressionTree e) {
        while (e instanceof ParenthesizedTree p) {
            e = p.getExpression();
        }
        return e;
    }
}
