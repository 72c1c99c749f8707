package dev.portcullis.backbone.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An event waiting to be published, or already published (published_at set); read and marked here, written by {@link Outbox}. */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent {

    /** Increasing in the order the events were written: {@link Outbox} writes the rows, ids from {@code outbox_event_seq}. */
    @Id
    public Long id;

    @Column(name = "event_id", nullable = false, unique = true)
    public UUID eventId;

    @Column(nullable = false)
    public String topic;

    @Column(name = "record_key", nullable = false)
    public String recordKey;

    /** The number of the writing transaction among the key's transactions, in commit order (see {@link Outbox}). */
    @Column(name = "key_seq", nullable = false)
    public long keySeq;

    @Column(name = "ce_type", nullable = false)
    public String ceType;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(nullable = false, columnDefinition = "text")
    public String payload;

    /** The W3C traceparent of the span that wrote the event; null when tracing is off. */
    @Column(length = 55)
    public String traceparent;

    @Column(name = "published_at")
    public Instant publishedAt;

    /** Set when Kafka refused the row for good (too large, topic refused); last_error says why. */
    @Column(name = "parked_at")
    public Instant parkedAt;

    @Column(name = "last_error", length = 2000)
    public String lastError;
}
