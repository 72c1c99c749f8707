package dev.portcullis.backbone.rest;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A list endpoint's query: optional filters joined with {@code and}, keyset-paged by the entity's
 * UUID {@code id}, so pages stay stable while rows are added.
 */
public final class ListQuery<E> {

    private final Class<E> entity;
    private final List<String> joins = new ArrayList<>();
    private final List<String> where = new ArrayList<>();
    private final Map<String, Object> parameters = new LinkedHashMap<>();

    private ListQuery(Class<E> entity) {
        this.entity = entity;
    }

    public static <E> ListQuery<E> of(Class<E> entity) {
        return new ListQuery<>(entity);
    }

    /** Adds {@code clause} (on alias {@code e}) when {@code value} is present. */
    public ListQuery<E> filter(String clause, String name, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            where.add(clause);
            parameters.put(name, value);
        }
        return this;
    }

    /** Adds {@code clause}, which takes no parameter, when {@code when} holds. */
    public ListQuery<E> where(String clause, boolean when) {
        if (when) {
            where.add(clause);
        }
        return this;
    }

    /** Adds a join (e.g. {@code join e.sponsors s}) together with its filter, when {@code value} is present. */
    public ListQuery<E> joinFilter(String join, String clause, String name, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            joins.add(join);
            filter(clause, name, value);
        }
        return this;
    }

    public <T> Page<T> page(EntityManager em, String limit, String cursor, Function<E, UUID> id, Function<E, T> view) {
        int size = Page.limit(limit);
        filter("e.id > :after", "after", Page.decode(cursor));
        TypedQuery<E> query = em.createQuery(select() + " order by e.id", entity).setMaxResults(size + 1);
        parameters.forEach(query::setParameter);
        return Page.of(query.getResultList(), size, id, view);
    }

    /**
     * Pages in the order of {@code key} (an instant expression on {@code e}, e.g. the latest activity),
     * then id: where a filter is a range of that expression, its index answers the page at once, as
     * an id order would not (it would read past every row outside the range).
     */
    public <T> Page<T> pageBy(EntityManager em, String key, Function<E, Instant> keyOf, String limit, String cursor, Function<E, UUID> id,
            Function<E, T> view) {
        int size = Page.limit(limit);
        Page.KeyedCursor after = Page.decodeKeyed(cursor);
        if (after != null) {
            // the >= alone is what the index can seek to; the or only drops the rows of the last key already served
            where.add(key + " >= :afterKey and (" + key + " > :afterKey or e.id > :after)");
            parameters.put("afterKey", after.key());
            parameters.put("after", after.id());
        }
        TypedQuery<E> query = em.createQuery(select() + " order by " + key + ", e.id", entity).setMaxResults(size + 1);
        parameters.forEach(query::setParameter);
        List<E> rows = query.getResultList();
        boolean more = rows.size() > size;
        List<E> page = more ? rows.subList(0, size) : rows;
        E last = more ? page.get(page.size() - 1) : null;
        return new Page<>(page.stream().map(view).toList(), last == null ? null : Page.encodeKeyed(keyOf.apply(last), id.apply(last)));
    }

    private String select() {
        // distinct only where a join can repeat a row: over a whole table it would sort every match before the limit
        StringBuilder jpql = new StringBuilder(joins.isEmpty() ? "select e from " : "select distinct e from ").append(entity.getSimpleName()).append(" e");
        joins.forEach(j -> jpql.append(' ').append(j));
        if (!where.isEmpty()) {
            jpql.append(" where ").append(String.join(" and ", where));
        }
        return jpql.toString();
    }
}
