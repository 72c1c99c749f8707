package dev.portcullis.review.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A definition kept as JSON on its row (a review definition, a campaign's copy of it, an access package): written and read back. */
@ApplicationScoped
public class StoredJson {

    @Inject
    ObjectMapper json;

    public String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads what {@link #write} wrote; {@code what} names it if it cannot be read (a bug, or a hand-edited row). */
    public <T> T read(String stored, Class<T> type, String what) {
        try {
            return json.readValue(stored, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored " + what + " cannot be read: " + e.getOriginalMessage(), e);
        }
    }
}
