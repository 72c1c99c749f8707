package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The topic and dead-letter names the services' configuration writes are the catalogue's ({@link Topic}): a consumer reading a
 * topic nobody publishes, or dead-lettering where no operator looks, fails here and not in production.
 */
class TopicTest {

    /** Every file that configures a Kafka channel, relative to this module. */
    private static final List<Path> CONFIGURATION = List.of(
            Path.of("../inventory-service/src/main/resources/application.properties"),
            Path.of("../review-service/src/main/resources/application.properties"),
            Path.of("../policy-service/src/main/resources/application.properties"),
            Path.of("../notification-service/src/main/resources/application.properties"),
            Path.of("../access-read-model/src/main/resources/META-INF/microprofile-config.properties"),
            Path.of("../backbone/src/main/resources/META-INF/microprofile-config.properties"));

    private static final Pattern CHANNEL_KEY = Pattern.compile("(?:%[a-z-]+\\.)?mp\\.messaging\\.(incoming|outgoing)\\.([a-z-]+)\\.(topic|topics|dead-letter-queue\\.topic)");

    private static final Map<String, Topic> BY_CHANNEL = Arrays.stream(Topic.values()).collect(Collectors.toMap(Topic::channel, Function.identity()));

    @Test
    void theChannelConstantsAreTheTopicsChannels() throws IllegalAccessException {
        for (Field field : Topic.Channels.class.getFields()) {
            Topic topic = Topic.valueOf(field.getName());
            assertEquals(topic.channel(), field.get(null), "Topic.Channels." + field.getName());
        }
    }

    @Test
    void everyConfiguredTopicAndDeadLetterTopicIsTheCatalogues() throws IOException {
        List<String> checked = new ArrayList<>();
        for (Path file : CONFIGURATION) {
            assertTrue(Files.exists(file), file + " is configuration this test reads: moved? name it here");
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
            for (String key : properties.stringPropertyNames()) {
                Matcher matcher = CHANNEL_KEY.matcher(key);
                if (!matcher.matches()) {
                    continue;
                }
                if (matcher.group(3).equals("topics")) {
                    // a channel over several topics: each one the catalogue's, and its dead letters go to that topic's (the inbox's)
                    for (String name : properties.getProperty(key).split(",")) {
                        assertTrue(Arrays.stream(Topic.values()).anyMatch(t -> t.topicName().equals(name.strip())), file + ": " + key + " reads " + name);
                        assertEquals(name.strip() + ".dlq", Topic.deadLetterTopicOf(name.strip()), key);
                    }
                    checked.add(file.getFileName() + " " + key);
                    continue;
                }
                Topic topic = BY_CHANNEL.get(matcher.group(2));
                assertNotNull(topic, file + ": channel " + matcher.group(2) + " is no Topic's channel");
                String value = properties.getProperty(key);
                if (matcher.group(3).equals("dead-letter-queue.topic")) {
                    assertEquals(topic.deadLetterTopicName(), value, file + ": " + key);
                    // where the inbox writes the dead letters of this channel's records
                    assertEquals(value, Topic.deadLetterTopicOf(topic.topicName()), key);
                    if (topic == Topic.PARTNER_SIGNALS) {
                        assertEquals(value, Topic.deadLetterTopicOf(Topic.PartnerSignalConnectors.topicOf("contoso-hr")), key);
                    }
                } else if (topic == Topic.PARTNER_SIGNALS && "true".equals(properties.getProperty(key.replace(".topic", ".pattern")))) {
                    // inventory reads partner.signals and every connector's topic, never the dead letters
                    Pattern pattern = Pattern.compile(value);
                    assertTrue(pattern.matcher(Topic.PARTNER_SIGNALS.topicName()).matches(), key);
                    assertTrue(pattern.matcher(Topic.PartnerSignalConnectors.topicOf("contoso-hr")).matches(), key);
                    assertFalse(pattern.matcher(Topic.PARTNER_SIGNALS.deadLetterTopicName()).matches(), key);
                    assertFalse(pattern.matcher(Topic.INVENTORY_GUESTS.topicName()).matches(), key);
                } else {
                    assertEquals(topic.topicName(), value, file + ": " + key);
                }
                checked.add(file.getFileName() + " " + key);
            }
        }
        assertTrue(checked.size() >= 20, "the channels of four services and the read model are configured here: " + checked);
    }
}
