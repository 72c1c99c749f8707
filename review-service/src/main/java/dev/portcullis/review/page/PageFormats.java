package dev.portcullis.review.page;

import io.quarkus.qute.TemplateExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the review page writes times: a day, or a day and an hour, in UTC (Qute calls these only for a time, never for null). */
@TemplateExtension
public final class PageFormats {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private PageFormats() {
    }

    static String day(Instant instant) {
        return DAY.format(instant);
    }

    static String dayAndTime(Instant instant) {
        return DAY_AND_TIME.format(instant);
    }
}
