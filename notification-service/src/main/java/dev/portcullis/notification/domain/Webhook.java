package dev.portcullis.notification.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An endpoint that receives the messages of the types it names, as signed JSON posts. */
@Entity
@Table(name = "webhook")
public class Webhook extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false, length = 2000)
    public String url;

    /** {@code whsec_} and the base64 of the signing key, as Standard Webhooks writes it. */
    @Column(nullable = false, length = 200)
    public String secret;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] types;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Deleted endpoints are kept, for the message log that names them; they receive nothing more. */
    @Column(name = "deleted_at")
    public Instant deletedAt;

    /** The endpoints that receive {@code type}. */
    public static List<Webhook> receiving(Notification.Type type) {
        return Webhook.<Webhook>list("deletedAt is null and array_contains(types, ?1)", type.name());
    }
}
