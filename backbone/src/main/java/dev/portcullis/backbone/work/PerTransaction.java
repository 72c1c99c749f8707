package dev.portcullis.backbone.work;

import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.function.Supplier;

/** A value that lives as long as the current transaction: what it gathered or decided so far, gone when it ends. */
public final class PerTransaction {

    private PerTransaction() {
    }

    /** The current transaction's value under {@code key}, made by {@code fresh} on the transaction's first ask. */
    @SuppressWarnings("unchecked")
    public static <T> T value(TransactionSynchronizationRegistry registry, Object key, Supplier<T> fresh) {
        T value = (T) registry.getResource(key);
        if (value == null) {
            value = fresh.get();
            registry.putResource(key, value);
        }
        return value;
    }
}
