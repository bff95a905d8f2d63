package dev.nabla.autograd;

import dev.nabla.Tensor;
import dev.nabla.backend.Storage;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * One backward run's account of the gradient storages it made itself and may free the moment
 * the last of its own references is gone; the rule and why it is sound are Note [Dead
 * gradients] on {@link Engine}. Belongs to one run, on one thread, like its {@link GraphTask}.
 */
final class DeadGradients {
    /** Turns early release off (for comparison, or as a safety valve); read at the start of each run. */
    static final String PROPERTY = "nabla.autograd.freeDeadGradients";

    /**
     * The storages this run owns, each with how many slots of the run's pending buffers hold
     * a tensor viewing it. A storage leaves the map when it is freed or pinned.
     */
    private final IdentityHashMap<Storage, int[]> owned = new IdentityHashMap<>();
    /** Owned storages whose count may have dropped to zero since the last {@link #freeUnreferenced}. */
    private final List<Storage> maybeDead = new ArrayList<>();

    private DeadGradients() {}

    /**
     * The account for a run, or null where the run may free nothing: with {@code createGraph}
     * (the new graph and a leaf's gradient may hold any gradient), when gradients are captured
     * for {@link dev.nabla.Autograd#grad} (they go to the caller), when no storage that releases
     * early has been created yet, or when the property turns it off.
     */
    static DeadGradients forRun(boolean createGraph, boolean capturing) {
        // Before any storage that releases early exists, a run has nothing to free: no account,
        // so that a backward on the host pays nothing for it.
        if (createGraph || capturing || !Storage.anyReleasesEarly() || "false".equals(System.getProperty(PROPERTY))) {
            return null;
        }
        return new DeadGradients();
    }

    /**
     * Before {@code node}'s inputs are handed to it: a node that may keep them ends the run's
     * ownership of their storages, for good.
     */
    void beforeApply(Node node, Tensor[] in) {
        if (node.keepsNoGradients() || owned.isEmpty()) {
            return;
        }
        for (Tensor t : in) {
            if (t != null) {
                owned.remove(t.storage());
            }
        }
    }

    /**
     * After {@code node} returned {@code out} (validated), before its saved tensors are
     * released: takes ownership of each storage the node created (numbered after {@code mark},
     * the count read just before the call), unless the node may keep it or it is one the node
     * saved (a checkpoint's recomputation creates those during the call).
     */
    void adopt(Node node, Tensor[] out, long mark) {
        if (out == null || !node.keepsNoGradients() || ForwardAD.isActive()) {
            return;
        }
        for (Tensor t : out) {
            if (t != null && ownable(t.storage(), mark) && !saved(node, t.storage())) {
                own(t.storage());
            }
        }
    }

    /** Whether a tensor {@code node} holds for its backward views {@code s}. */
    private static boolean saved(Node node, Storage s) {
        for (SavedTensor st : node.savedTensors()) {
            for (Tensor t : st.held()) {
                if (t.storage() == s) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Takes ownership of {@code made}'s storage if the engine's own code created it after
     * {@code mark}: a sum of two gradients, or the reduction or conversion with which the engine
     * fits a node's gradient to its input. Whatever node is involved, nothing but the engine has
     * seen these.
     */
    void adoptEngineMade(Tensor made, long mark) {
        if (made != null && !ForwardAD.isActive() && ownable(made.storage(), mark)) {
            own(made.storage());
        }
    }

    /** Whether {@code s} was created after {@code mark}, releases early, and is not owned yet. */
    private boolean ownable(Storage s, long mark) {
        return s.serial() > mark && s.releasesEarly() && !owned.containsKey(s);
    }

    /** Owns {@code s}, which no buffer slot holds yet. */
    private void own(Storage s) {
        owned.put(s, new int[1]);
        maybeDead.add(s);
    }

    /** {@code t} was put into a buffer slot. */
    void placed(Tensor t) {
        int[] count = owned.get(t.storage());
        if (count != null) {
            count[0]++;
        }
    }

    /** {@code t} left a buffer slot: handed to its node, or replaced by a sum. */
    void removed(Tensor t) {
        Storage s = t.storage();
        int[] count = owned.get(s);
        if (count != null && --count[0] == 0) {
            maybeDead.add(s);
        }
    }

    /** Frees every owned storage that no pending buffer slot holds any more. */
    void freeUnreferenced() {
        for (Storage s : maybeDead) {
            int[] count = owned.get(s);
            if (count != null && count[0] == 0) {
                owned.remove(s);
                s.releaseNow();
            }
        }
        maybeDead.clear();
    }
}
