package dev.portcullis.events;

/** The data of one event. The CloudEvents id, time and source travel in the {@code ce_*} headers. */
public interface EventPayload {

    EventType eventType();

    /** The record key: the guest, resource, campaign or recipient the event is about. */
    String key();
}
