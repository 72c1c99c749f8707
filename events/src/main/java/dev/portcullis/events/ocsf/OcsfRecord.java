package dev.portcullis.events.ocsf;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record of {@code soc.ocsf}: an OCSF event (schema {@value Ocsf#VERSION}) and its record key, the guest it is about (else the
 * partner, resource, campaign or request it changed), so that a guest's records stay in order on one partition.
 */
public record OcsfRecord(String key, ObjectNode event) {

    /** The CloudEvents type in the headers of every {@code soc.ocsf} record. */
    public static final String CE_TYPE = "dev.portcullis.soc.ocsf-record.v1";

    public int classUid() {
        return event.path("class_uid").asInt();
    }
}
