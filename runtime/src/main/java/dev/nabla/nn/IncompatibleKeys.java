package dev.nabla.nn;

import java.util.List;

/**
 * What a non-strict {@link Module#loadStateDict(java.util.Map, boolean)} left unmatched.
 *
 * @param missingKeys keys the module has but the state dict lacked, in the module's order
 * @param unexpectedKeys keys the state dict had but the module lacks, in the state dict's order
 */
public record IncompatibleKeys(List<String> missingKeys, List<String> unexpectedKeys) {
    /** Copies both lists, which the record then exposes unmodifiable. */
    public IncompatibleKeys {
        missingKeys = List.copyOf(missingKeys);
        unexpectedKeys = List.copyOf(unexpectedKeys);
    }

    /** Whether every key matched. */
    public boolean isEmpty() {
        return missingKeys.isEmpty() && unexpectedKeys.isEmpty();
    }
}
