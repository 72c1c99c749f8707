package dev.portcullis.notification.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.ext.mail.SMTPException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which SMTP replies end a message for good (FAILED at once) and which the sender tries again. */
class SmtpRefusalKindTest {

    @ParameterizedTest(name = "{0} {1}: for good = {2}")
    @CsvSource({
        "550, 5.1.1 no such user here, true",
        "552, 5.3.4 message too big, true",
        "554, 5.7.1 rejected as spam, true",
        "500, eenMail SMTP Service v2.1.8 ready, false", // a greeting split across reads and taken for a reply (CI, GreenMail)
        "503, bad sequence of commands, false",
        "421, service shutting down, false",
        "451, try again later, false"})
    void aRefusalIsForGoodOnlyWhenItIsAboutTheMessage(int code, String text, boolean forGood) {
        assertEquals(forGood, MailSender.refusedForGood(new SMTPException(code + " " + text, code, List.of(code + " " + text), code >= 500)));
    }
}
