package dev.portcullis.review.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** What partners request: resources with a role each, owned by business owners, with the policy of a request (as JSON). */
@Entity
@Table(name = "access_package")
public class AccessPackage extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    @Column(name = "scenario_id", nullable = false)
    public UUID scenarioId;

    /** The package's owners (lower case): they may change it, within what an admin set. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] owners;

    /** The package as posted ({@code PackageSpec}), as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String spec;

    /** 1 when created, one more with every change. */
    @Column(nullable = false)
    public int version;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public boolean ownedBy(String email) {
        return email != null && List.of(owners).contains(email.toLowerCase(Locale.ROOT));
    }
}
