package dev.portcullis.review.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** What to review, by whom, how often: the template every campaign of it starts from. */
@Entity
@Table(name = "review_definition")
public class ReviewDefinition extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    /** The definition as posted ({@code DefinitionSpec}), as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String spec;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Recurrence recurrence;

    /** When the scheduler starts the next campaign; null for a definition that does not recur. */
    @Column(name = "next_start_at")
    public Instant nextStartAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
