package dev.portcullis.events.ocsf;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.portcullis.events.EventJson;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * An OCSF event under construction: the classification (class, activity and the {@code type_uid} they make), the time, the
 * metadata that names Portcullis and the CloudEvent (or record) it maps, and the objects a SIEM joins on. The attributes and
 * enumerations are OCSF {@value #VERSION}'s (github.com/ocsf/ocsf-schema, tag {@value #VERSION}); {@code schemas/ocsf} holds them
 * as a JSON Schema, which every record passes before it is written.
 */
public final class Ocsf {

    public static final String VERSION = "1.8.0";
    static final String PRODUCT = "Portcullis";

    /** The classes Portcullis writes. */
    public enum EventClass {
        ACCOUNT_CHANGE(3001, "Account Change", 3, "Identity & Access Management"),
        ENTITY_MANAGEMENT(3004, "Entity Management", 3, "Identity & Access Management"),
        USER_ACCESS_MANAGEMENT(3005, "User Access Management", 3, "Identity & Access Management"),
        COMPLIANCE_FINDING(2003, "Compliance Finding", 2, "Findings");

        final int uid;
        final String caption;
        final int category;
        final String categoryName;

        EventClass(int uid, String caption, int category, String categoryName) {
            this.uid = uid;
            this.caption = caption;
            this.category = category;
            this.categoryName = categoryName;
        }
    }

    /** An activity of a class, with OCSF's id and caption. */
    public record Activity(EventClass eventClass, int id, String name) {
    }

    public static final Activity ACCOUNT_CREATE = new Activity(EventClass.ACCOUNT_CHANGE, 1, "Create");
    public static final Activity ACCOUNT_ENABLE = new Activity(EventClass.ACCOUNT_CHANGE, 2, "Enable");
    public static final Activity ACCOUNT_DISABLE = new Activity(EventClass.ACCOUNT_CHANGE, 5, "Disable");
    public static final Activity ACCOUNT_DELETE = new Activity(EventClass.ACCOUNT_CHANGE, 6, "Delete");
    public static final Activity ACCOUNT_OTHER = new Activity(EventClass.ACCOUNT_CHANGE, 99, "Other");
    public static final Activity ENTITY_CREATE = new Activity(EventClass.ENTITY_MANAGEMENT, 1, "Create");
    public static final Activity ENTITY_UPDATE = new Activity(EventClass.ENTITY_MANAGEMENT, 3, "Update");
    public static final Activity ENTITY_DELETE = new Activity(EventClass.ENTITY_MANAGEMENT, 4, "Delete");
    public static final Activity ASSIGN_PRIVILEGES = new Activity(EventClass.USER_ACCESS_MANAGEMENT, 1, "Assign Privileges");
    public static final Activity REVOKE_PRIVILEGES = new Activity(EventClass.USER_ACCESS_MANAGEMENT, 2, "Revoke Privileges");
    public static final Activity FINDING_CREATE = new Activity(EventClass.COMPLIANCE_FINDING, 1, "Create");
    public static final Activity FINDING_CLOSE = new Activity(EventClass.COMPLIANCE_FINDING, 3, "Close");

    /** OCSF's {@code severity_id}: 1 Informational, 3 Medium, 4 High. */
    public enum Severity {
        INFORMATIONAL(1, "Informational"), MEDIUM(3, "Medium"), HIGH(4, "High");

        final int id;
        final String caption;

        Severity(int id, String caption) {
            this.id = id;
            this.caption = caption;
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final ObjectNode event = NODES.objectNode();

    private Ocsf(Activity activity, Severity severity, UUID uid, String eventCode, String logName, Instant time) {
        EventClass c = activity.eventClass();
        event.put("activity_id", activity.id()).put("activity_name", activity.name())
                .put("category_uid", c.category).put("category_name", c.categoryName)
                .put("class_uid", c.uid).put("class_name", c.caption)
                .put("type_uid", c.uid * 100L + activity.id()).put("type_name", c.caption + ": " + activity.name())
                .put("severity_id", severity.id).put("severity", severity.caption)
                .put("status_id", 1).put("status", "Success")
                .put("time", time.toEpochMilli());
        ObjectNode metadata = event.putObject("metadata");
        metadata.put("version", VERSION);
        metadata.putObject("product").put("name", PRODUCT).put("vendor_name", PRODUCT);
        metadata.put("uid", uid.toString()).put("event_code", eventCode).put("log_name", logName);
    }

    /**
     * A record of {@code activity}; {@code uid} is the CloudEvent's id (or the record's own, for what no CloudEvent tells), {@code
     * eventCode} the CloudEvent's type (or what stands for it), {@code logName} the topic or channel it came by.
     */
    public static Ocsf of(Activity activity, Severity severity, UUID uid, String eventCode, String logName, Instant time) {
        return new Ocsf(activity, severity, uid, eventCode, logName, time);
    }

    /** What started the chain this record belongs to (a partner signal, a review item, a request): a SIEM groups on it. */
    public Ocsf correlation(String causeId) {
        if (causeId != null) {
            event.withObject("/metadata").put("correlation_uid", causeId);
        }
        return this;
    }

    /** Who did it: a person (their address), a client, or Portcullis itself ({@code system:…}). */
    public Ocsf actor(String actor) {
        ObjectNode node = event.putObject("actor");
        if (actor == null || actor.isBlank()) {
            node.put("app_name", PRODUCT);
        } else {
            node.putObject("user").put("name", actor).put("type_id", actor.startsWith("system") ? 3 : actor.contains("@") ? 1 : 4)
                    .put("type", actor.startsWith("system") ? "System" : actor.contains("@") ? "User" : "Service");
        }
        return this;
    }

    /** The outcome, where the class defines its own ({@code Success} otherwise). */
    public Ocsf status(int id, String caption) {
        event.put("status_id", id).put("status", caption);
        return this;
    }

    public Ocsf message(String message) {
        event.put("message", message);
        return this;
    }

    /** Why, in Portcullis's words (a reason code, an outcome). */
    public Ocsf statusDetail(String detail) {
        if (detail != null && !detail.isBlank()) {
            event.put("status_detail", detail);
        }
        return this;
    }

    /** The account the record is about: {@code user} of Account Change and User Access Management. */
    public Ocsf user(ObjectNode user) {
        event.set("user", user);
        return this;
    }

    public Ocsf set(String attribute, com.fasterxml.jackson.databind.JsonNode value) {
        event.set(attribute, value);
        return this;
    }

    public Ocsf put(String attribute, String value) {
        if (value != null && !value.isBlank()) {
            event.put(attribute, value);
        }
        return this;
    }

    public OcsfRecord key(String key) {
        return new OcsfRecord(key, event);
    }

    /** A guest as OCSF's {@code user}: their id, and what of them is known. */
    public static ObjectNode guest(String guestId, String email, String displayName, String partnerId) {
        ObjectNode user = NODES.objectNode().put("uid", guestId).put("type_id", 1).put("type", "User");
        if (email != null) {
            user.put("email_addr", email).put("name", email);
        }
        if (displayName != null && !displayName.isBlank()) {
            user.put("full_name", displayName);
        }
        if (partnerId != null) {
            user.putObject("org").put("uid", partnerId);
        }
        return user;
    }

    /** A resource as OCSF's {@code resource_details}. */
    public static ObjectNode resource(String uid, String name, String type, String criticality) {
        ObjectNode resource = NODES.objectNode().put("uid", uid).put("type", type);
        if (name != null) {
            resource.put("name", name);
        }
        if (criticality != null) {
            resource.put("criticality", criticality);
        }
        return resource;
    }

    /** A managed entity (Entity Management's {@code entity}); {@code data} holds what OCSF has no attribute for. */
    public static ObjectNode entity(String uid, String name, String type, Map<String, ?> data) {
        ObjectNode entity = NODES.objectNode().put("uid", uid).put("type", type);
        if (name != null) {
            entity.put("name", name);
        }
        ObjectNode values = entity.putObject("data");
        data.forEach((k, v) -> {
            if (v != null) {
                values.set(k, EventJson.mapper().valueToTree(v));
            }
        });
        return entity;
    }

    public static ArrayNode strings(Collection<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    public static ArrayNode array(ObjectNode... nodes) {
        ArrayNode array = NODES.arrayNode();
        for (ObjectNode node : nodes) {
            array.add(node);
        }
        return array;
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }
}
