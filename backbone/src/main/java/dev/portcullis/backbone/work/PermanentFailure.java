package dev.portcullis.backbone.work;

/**
 * Marks an exception that retrying cannot mend (a poison message, a change the domain refuses, a request that names nothing):
 * {@link Failures#classify} calls it PERMANENT, so the inbox dead-letters it at once instead of waiting it out. A service's own
 * domain exceptions implement it without knowing anything of HTTP or Kafka.
 */
public interface PermanentFailure {
}
