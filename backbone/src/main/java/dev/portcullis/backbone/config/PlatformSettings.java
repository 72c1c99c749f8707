package dev.portcullis.backbone.config;

import io.smallrye.config.ConfigMapping;

/**
 * Where a service finds the platform's infrastructure, and with which credentials: one typed place,
 * checked as a whole when the service starts. In the prod profile every value comes from the
 * environment ({@code PORTCULLIS_DB_URL}, {@code PORTCULLIS_DB_USER}, {@code PORTCULLIS_DB_PASSWORD},
 * {@code PORTCULLIS_OIDC_URL}, {@code PORTCULLIS_KAFKA_BOOTSTRAP_SERVERS}); a missing one stops
 * start-up with {@code SRCFG00011: Could not expand value PORTCULLIS_… in property …}, every missing
 * one listed, before any connection is tried. Quarkus' own settings read from here (META-INF/microprofile-config.properties).
 */
@ConfigMapping(prefix = "portcullis.platform")
public interface PlatformSettings {

    Database database();

    /** The realm that issues the tokens the REST APIs accept. */
    String oidcUrl();

    String kafkaBootstrapServers();

    interface Database {
        /** A JDBC URL: {@code jdbc:postgresql://host:5432/database}. */
        String url();

        String user();

        String password();
    }
}
