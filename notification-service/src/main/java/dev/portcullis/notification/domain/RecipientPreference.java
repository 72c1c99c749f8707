package dev.portcullis.notification.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import java.time.Instant;
import java.util.Arrays;

/** What one person chose not to receive (message types that are not mandatory). */
@Entity
@Table(name = "recipient_preference")
public class RecipientPreference extends PanacheEntityBase {

    /** Lower case. */
    @Id
    public String recipient;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "opt_outs", nullable = false)
    public String[] optOuts;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Whether {@code recipient} opted out of {@code type}; a mandatory type never counts as opted out. */
    public static boolean optedOut(String recipient, Notification.Type type) {
        if (type.mandatory()) {
            return false;
        }
        RecipientPreference p = findById(recipient);
        return p != null && Arrays.asList(p.optOuts).contains(type.name());
    }
}
