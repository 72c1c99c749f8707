package dev.portcullis.notification.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import java.time.Instant;
import java.util.Arrays;

/** What one person chose not to receive, and whether what is not urgent comes at once or in a daily digest (mandatory types always come at once). */
@Entity
@Table(name = "recipient_preference")
public class RecipientPreference extends PanacheEntityBase {

    /** Lower case. */
    @Id
    public String recipient;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "opt_outs", nullable = false)
    public String[] optOuts;

    /** IMMEDIATE, or DAILY_DIGEST: the types that are not mandatory wait for the day's digest. */
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Delivery delivery = Delivery.IMMEDIATE;

    public enum Delivery { IMMEDIATE, DAILY_DIGEST }

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Whether this person opted out of {@code type}; a mandatory type never counts as opted out. */
    public boolean optsOut(Notification.Type type) {
        return !type.mandatory() && Arrays.asList(optOuts).contains(type.name());
    }

    /** Whether {@code type} waits for this person's daily digest; a mandatory type never waits. */
    public boolean digests(Notification.Type type) {
        return !type.mandatory() && delivery == Delivery.DAILY_DIGEST;
    }
}
