package dev.portcullis.events;

import java.util.List;

public record ResourceUpserted(
        String resourceId,
        String name,
        String type,
        String sensitivity,
        String scenarioId,
        List<String> owners,
        String actor,
        String reason) implements EventPayload {

    @Override
    public EventType eventType() {
        return EventType.RESOURCE_UPSERTED;
    }

    @Override
    public String key() {
        return resourceId;
    }
}
