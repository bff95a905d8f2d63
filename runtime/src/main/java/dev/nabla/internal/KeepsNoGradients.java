package dev.nabla.internal;

/**
 * Marks a {@link dev.nabla.autograd.Function} of the runtime itself whose backward, run
 * without {@code createGraph}, keeps no reference to a gradient it receives or returns: it
 * only computes from them, so the engine may free a gradient it made once the last of its
 * own references is gone (see {@code Engine}'s Note [Dead gradients]). A user's function is
 * never trusted so, as its code may stash a gradient anywhere. Not public API.
 */
public interface KeepsNoGradients {}
