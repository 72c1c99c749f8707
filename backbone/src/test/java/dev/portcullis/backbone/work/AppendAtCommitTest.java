package dev.portcullis.backbone.work;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.backbone.outbox.Outbox;
import dev.portcullis.events.PartnerUpserted;
import dev.portcullis.events.Topic;
import dev.portcullis.testsupport.KafkaResource;
import dev.portcullis.testsupport.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Rows appended at commit (the outbox's events, inventory's audit records, the read models' grants) are written with the
 * transaction and only with it: in the order appended, each value as it was, none when it rolls back, and a row that cannot be
 * written takes the whole transaction down with it.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class AppendAtCommitTest {

    private static final AppendAtCommit.Insert NOTE = new AppendAtCommit.Insert(
            "insert into test_note (id, text, created_at) values (cast(? as uuid), ?, ?)", Types.VARCHAR, Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE);

    private static final AppendAtCommit.Insert APPENDED = new AppendAtCommit.Insert(
            "insert into test_appended (id, label, amount, at, sealed, flag) values (cast(? as uuid), ?, ?, ?, ?, ?)",
            Types.VARCHAR, Types.VARCHAR, Types.BIGINT, Types.TIMESTAMP_WITH_TIMEZONE, Types.BINARY, Types.BOOLEAN);

    private static final AppendAtCommit.Insert NOTE_UPSERT = AppendAtCommit.Insert.upsert(0,
            "insert into test_note (id, text, created_at) values (cast(? as uuid), ?, ?) on conflict (id) do update set text = excluded.text",
            Types.VARCHAR, Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE);

    @Inject
    AppendAtCommit appendAtCommit;

    @Inject
    Outbox outbox;

    @Inject
    EntityManager em;

    @Test
    void aTransactionsRowsAndEventsAreWrittenAsItCommitsInTheOrderAppended() {
        String partner = UUID.randomUUID().toString();
        List<UUID> events = new ArrayList<>();
        UUID note = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < 5; i++) {
                events.add(outbox.publish(partnerUpserted(partner, "step " + i)));
            }
            appendAtCommit.append(NOTE, note, "appended", Instant.now());
        });

        assertEquals(1L, count("select count(*) from test_note where id = cast(?1 as uuid)", note.toString()));
        @SuppressWarnings("unchecked")
        List<Object> written = em.createNativeQuery("select cast(event_id as text) from outbox_event where record_key = ?1 and topic = ?2"
                        + " order by id").setParameter(1, partner).setParameter(2, Topic.INVENTORY_PARTNERS.topicName()).getResultList();
        assertEquals(events.stream().map(UUID::toString).toList(), written, "the ids follow the order the transaction published in");
    }

    @Test
    void nothingIsWrittenWhenTheTransactionRollsBack() {
        String partner = UUID.randomUUID().toString();
        UUID note = UUID.randomUUID();
        assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            outbox.publish(partnerUpserted(partner, "never"));
            appendAtCommit.append(NOTE, note, "never", Instant.now());
            throw new IllegalStateException("the change fails");
        }));

        assertEquals(0L, count("select count(*) from test_note where id = cast(?1 as uuid)", note.toString()));
        assertEquals(0L, count("select count(*) from outbox_event where record_key = ?1", partner));
    }

    @Test
    void aRowThatCannotBeWrittenAtCommitRollsBackTheWholeTransaction() {
        String partner = UUID.randomUUID().toString();
        UUID written = UUID.randomUUID();
        UUID broken = UUID.randomUUID();
        assertThrows(RuntimeException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("insert into test_note (id, text, created_at) values (?1, 'at once', now())").setParameter(1, written).executeUpdate();
            outbox.publish(partnerUpserted(partner, "with the broken row"));
            appendAtCommit.append(NOTE, broken, null, Instant.now()); // text is not null: refused only as the transaction commits
        }));

        assertEquals(0L, count("select count(*) from test_note where id in (cast(?1 as uuid), cast(?2 as uuid))", written.toString(), broken.toString()));
        assertEquals(0L, count("select count(*) from outbox_event where record_key = ?1", partner));
    }

    @Test
    void aStatementOfTheSameTransactionSeesTheRowsAppendedBeforeItOnceWrittenNow() {
        UUID note = UUID.randomUUID();
        long seen = QuarkusTransaction.requiringNew().call(() -> {
            appendAtCommit.append(NOTE, note, "before the update", Instant.now());
            appendAtCommit.writeNow();
            return (long) em.createNativeQuery("update test_note set text = 'updated' where id = ?1").setParameter(1, note).executeUpdate();
        });

        assertEquals(1L, seen);
        // written once: written again at commit, the row would break the key and fail the commit above
        assertEquals(1L, count("select count(*) from test_note where id = cast(?1 as uuid) and text = 'updated'", note.toString()));
    }

    @Test
    void moreRowsThanOneStatementTakesAreAllWrittenInTheOrderAppendedWithEveryValueAsItWas() {
        String run = UUID.randomUUID().toString();
        int rows = AppendAtCommit.MOST_ROWS + 3;
        Instant at = Instant.parse("2026-12-07T23:40:00.123456Z");
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < rows; i++) {
                boolean empty = i % 2 == 1; // every other row with its nullable values missing
                appendAtCommit.append(APPENDED, empty ? null : UUID.nameUUIDFromBytes(new byte[] {(byte) i}), run + ":" + i, empty ? null : (long) i * 1_000_000_000L,
                        empty ? null : at.plusSeconds(i), empty ? null : new byte[] {(byte) i, 0, (byte) 0xff}, empty ? null : i % 4 == 0);
            }
        });

        @SuppressWarnings("unchecked")
        List<Object[]> written = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("select cast(id as text), label, amount, at, sealed, flag"
                + " from test_appended where label like ?1 order by seq").setParameter(1, run + ":%").getResultList());
        assertEquals(rows, written.size());
        for (int i = 0; i < rows; i++) {
            Object[] row = written.get(i);
            assertEquals(run + ":" + i, row[1], "the rows were numbered in the order appended");
            if (i % 2 == 1) {
                assertEquals(Arrays.asList(null, null, null, null), Arrays.asList(row[0], row[2], row[3], row[5]), "a null stays a null");
                assertNull(row[4]);
            } else {
                assertEquals(UUID.nameUUIDFromBytes(new byte[] {(byte) i}).toString(), row[0]);
                assertEquals((long) i * 1_000_000_000L, ((Number) row[2]).longValue());
                assertEquals(at.plusSeconds(i), instant(row[3]), "to the microsecond");
                assertArrayEquals(new byte[] {(byte) i, 0, (byte) 0xff}, (byte[]) row[4]);
                assertEquals(i % 4 == 0, row[5]);
            }
        }
    }

    @Test
    void anUpsertsRowsOfOneKeyInOneTransactionApplyOneAfterTheOther() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            appendAtCommit.append(NOTE_UPSERT, first, "first, as inserted", Instant.now());
            appendAtCommit.append(NOTE_UPSERT, second, "second", Instant.now());
            appendAtCommit.append(NOTE_UPSERT, first, "first, as updated", Instant.now()); // one statement could not update it twice
        });

        assertEquals(1L, count("select count(*) from test_note where id = cast(?1 as uuid) and text = 'first, as updated'", first.toString()));
        assertEquals(1L, count("select count(*) from test_note where id = cast(?1 as uuid) and text = 'second'", second.toString()));
    }

    @Test
    void anInsertThatIsNotOneRowOfValuesIsRefusedWhenDeclared() {
        IllegalArgumentException selectInsert = assertThrows(IllegalArgumentException.class,
                () -> new AppendAtCommit.Insert("insert into test_note (id, text, created_at) select ?, ?, now()", Types.VARCHAR, Types.VARCHAR));
        assertTrue(selectInsert.getMessage().contains("not an insert"), selectInsert.getMessage());
        IllegalArgumentException miscounted = assertThrows(IllegalArgumentException.class,
                () -> new AppendAtCommit.Insert("insert into test_note (id, text, created_at) values (cast(? as uuid), ?, now())", Types.VARCHAR));
        assertTrue(miscounted.getMessage().contains("more values than its 1 types"), miscounted.getMessage());
    }

    private static Instant instant(Object value) {
        return value instanceof java.time.OffsetDateTime odt ? odt.toInstant() : value instanceof java.sql.Timestamp ts ? ts.toInstant() : (Instant) value;
    }

    private static PartnerUpserted partnerUpserted(String partner, String name) {
        return new PartnerUpserted(partner, name, "tenant-" + partner, List.of("contoso.example"), "CONNECTED", "admin", Instant.now(), null);
    }

    private long count(String sql, Object... parameters) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var query = em.createNativeQuery(sql);
            for (int i = 0; i < parameters.length; i++) {
                query.setParameter(i + 1, parameters[i]);
            }
            return ((Number) query.getSingleResult()).longValue();
        });
    }
}
