package dev.portcullis.backbone;

import jakarta.persistence.EntityManager;
import jakarta.persistence.FindOption;
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
     * The loader reads the database unless told otherwise: {@code SessionCheckMode.ENABLED} takes those the session holds from it,
     * for a caller that knows nothing changed them behind the session's back.
     */
    public static <T> List<T> byIds(EntityManager em, Class<T> type, List<?> ids, FindOption... options) {
        return ids.isEmpty() ? List.of() : em.unwrap(Session.class).findMultiple(type, ids, options).stream().filter(Objects::nonNull).toList();
    }
}
