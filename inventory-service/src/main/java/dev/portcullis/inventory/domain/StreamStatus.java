package dev.portcullis.inventory.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Locale;

/** A stream's status (SSF 1.0 §8.1.2): enabled, paused (its SETs are kept and delivered on enabling) or disabled (none are made). */
public enum StreamStatus {
    ENABLED, PAUSED, DISABLED;

    /** The name SSF gives it, on the wire and in {@code ssf_stream.status}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wireName();
    }

    /** Stores the SSF name, as the column always held it. */
    @Converter(autoApply = true)
    public static class Column implements AttributeConverter<StreamStatus, String> {
        @Override
        public String convertToDatabaseColumn(StreamStatus status) {
            return status == null ? null : status.wireName();
        }

        @Override
        public StreamStatus convertToEntityAttribute(String value) {
            return value == null ? null : StreamStatus.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }
}
