package dev.portcullis.backbone;

import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Objects;
import org.hibernate.Session;

/** Loading entities the cheap way on hot paths. */
public final class Entities {

    private Entities() {
    }

    /**
     * The entities of these ids that exist, by the entity's own loader (one statement, {@code = any(?)}). A query
     * {@code id in ?1} would be translated anew on every call, since Hibernate caches no plan with a list parameter: a profile
     * of the signal benchmark found that translation in every delivery's and every revocation's path (docs/benchmarks.md).
     */
    public static <T> List<T> byIds(EntityManager em, Class<T> type, List<?> ids) {
        return ids.isEmpty() ? List.of() : em.unwrap(Session.class).findMultiple(type, ids).stream().filter(Objects::nonNull).toList();
    }
}
