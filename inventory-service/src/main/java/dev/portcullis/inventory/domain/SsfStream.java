package dev.portcullis.inventory.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A stream of our CAEP transmitter to one of the organization's applications (SSF 1.0 §8): made, changed and polled by its receiver. */
@Entity
@Table(name = "ssf_stream")
public class SsfStream extends PanacheEntityBase {

    @Id
    public UUID id;

    /** The receiver's OIDC client: only it sees, changes and polls the stream. */
    @Column(name = "client_id", nullable = false)
    public String clientId;

    @Column(nullable = false)
    public String audience;

    /** The event-type URIs the receiver asked for, in its order, each once. */
    @ElementCollection
    @CollectionTable(name = "ssf_stream_event", joinColumns = @JoinColumn(name = "stream_id"))
    @OrderColumn(name = "position")
    @Column(name = "event_type", nullable = false)
    public List<String> eventsRequested = new ArrayList<>();

    @Column(name = "delivery_method", nullable = false)
    public DeliveryMethod deliveryMethod;

    @Column(name = "endpoint_url")
    public String endpointUrl;

    @Column(name = "authorization_header")
    public String authorizationHeader;

    public String description;

    @Column(nullable = false)
    public StreamStatus status;

    @Column(name = "status_reason")
    public String statusReason;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "last_error")
    public String lastError;

    @Column(nullable = false)
    public int attempts;

    /** Asks for {@code requested} instead, each once. */
    public void request(List<String> requested) {
        eventsRequested.clear();
        requested.stream().distinct().forEach(eventsRequested::add);
    }
}
