package dev.portcullis.inventory.domain;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.Optional;

/** How a stream's SETs travel: pushed to the receiver (RFC 8935) or polled by it (RFC 8936). */
public enum DeliveryMethod {
    PUSH("urn:ietf:rfc:8935"), POLL("urn:ietf:rfc:8936");

    private final String uri;

    DeliveryMethod(String uri) {
        this.uri = uri;
    }

    /** The URI SSF names it by, on the wire and in {@code ssf_stream.delivery_method}. */
    public String uri() {
        return uri;
    }

    public static Optional<DeliveryMethod> of(String uri) {
        return Arrays.stream(values()).filter(m -> m.uri.equals(uri)).findFirst();
    }

    /** Stores the URI, as the column always held it. */
    @Converter(autoApply = true)
    public static class Column implements AttributeConverter<DeliveryMethod, String> {
        @Override
        public String convertToDatabaseColumn(DeliveryMethod method) {
            return method == null ? null : method.uri;
        }

        @Override
        public DeliveryMethod convertToEntityAttribute(String value) {
            return value == null ? null : of(value).orElseThrow(() -> new IllegalStateException("unknown delivery method " + value));
        }
    }
}
