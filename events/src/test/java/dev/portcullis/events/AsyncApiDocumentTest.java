package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/asyncapi.yaml, the SOC's contract, says what the catalogue says: every topic, every event, and schemas that exist. */
class AsyncApiDocumentTest {

    private static final Path DOCUMENT = Path.of("..", "docs", "asyncapi.yaml");
    private static JsonNode document;

    @BeforeAll
    static void read() throws Exception {
        document = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(DOCUMENT));
    }

    @Test
    void isAnAsyncApi3Document() {
        assertEquals("3.0.0", document.path("asyncapi").asText());
        assertFalse(document.path("info").path("title").asText().isBlank());
    }

    @Test
    void hasAChannelForEveryTopicAndItsDeadLetterTopicAndNoOther() {
        Set<String> expected = new HashSet<>();
        for (Topic topic : Topic.values()) {
            expected.add(topic.topicName());
            expected.add(topic.deadLetterTopicName());
        }
        assertEquals(expected, Set.copyOf(addresses().values()));
    }

    @Test
    void listsEveryEventOfTheCatalogueOnItsTopicWithItsCeType() {
        Map<String, String> channelOfAddress = new HashMap<>();
        addresses().forEach((channel, address) -> channelOfAddress.put(address, channel));
        for (EventType type : EventType.values()) {
            JsonNode channel = document.path("channels").path(channelOfAddress.get(type.topic().topicName()));
            List<String> ceTypes = new ArrayList<>();
            channel.path("messages").forEach(ref -> ceTypes.add(ceTypeOf(resolve(ref.path("$ref").asText()))));
            assertTrue(ceTypes.contains(type.ceType()), type.ceType() + " is listed on " + type.topic().topicName() + ": " + ceTypes);
        }
        Set<String> documented = new HashSet<>();
        document.path("components").path("messages").forEach(message -> documented.add(ceTypeOf(message)));
        documented.remove(null); // the dead-letter message wraps any type
        documented.remove(dev.portcullis.events.ocsf.OcsfRecord.CE_TYPE); // soc.ocsf's records are no event of the catalogue: each maps one, or what no event tells
        assertEquals(Arrays.stream(EventType.values()).map(EventType::ceType).collect(Collectors.toSet()), documented);
    }

    @Test
    void everyEventWithAPayloadReferencesItsJsonSchema() {
        for (EventType type : EventType.withPayload()) {
            JsonNode message = document.path("components").path("messages").findParents("name").stream()
                    .filter(m -> type.eventName().equals(m.path("name").asText())).findFirst().orElseThrow();
            assertEquals("../events/src/main/resources" + type.schemaResource(), message.path("payload").path("$ref").asText(), type.eventName());
        }
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = document.findValuesAsText("$ref");
        assertFalse(refs.isEmpty());
        for (String ref : refs) {
            if (ref.startsWith("#/")) {
                assertFalse(resolve(ref).isMissingNode(), "unresolved " + ref);
            } else {
                assertTrue(Files.isRegularFile(DOCUMENT.getParent().resolve(ref)), "no schema file " + ref);
            }
        }
    }

    /** Channel key → Kafka topic address. */
    private static Map<String, String> addresses() {
        Map<String, String> addresses = new HashMap<>();
        document.path("channels").fields().forEachRemaining(e -> addresses.put(e.getKey(), e.getValue().path("address").asText()));
        return addresses;
    }

    private static JsonNode resolve(String ref) {
        return document.at(ref.substring(1));
    }

    /** The ce_type a message's headers fix, or null. */
    private static String ceTypeOf(JsonNode message) {
        for (JsonNode part : message.path("headers").path("allOf")) {
            JsonNode constant = part.path("properties").path("ce_type").path("const");
            if (!constant.isMissingNode()) {
                return constant.asText();
            }
        }
        return null;
    }
}
