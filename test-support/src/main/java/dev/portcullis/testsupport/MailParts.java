package dev.portcullis.testsupport;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A mail's parts as a recipient's client shows them: the plain text, and the HTML (null when the mail has none). */
public final class MailParts {

    private MailParts() {
    }

    public static String text(Part mail) {
        return find(mail, "text/plain");
    }

    public static String html(Part mail) {
        return find(mail, "text/html");
    }

    private static String find(Part part, String type) {
        try {
            if (part.isMimeType(type)) {
                return part.getContent().toString();
            }
            if (part.isMimeType("multipart/*")) {
                Multipart parts = (Multipart) part.getContent();
                for (int i = 0; i < parts.getCount(); i++) {
                    BodyPart child = parts.getBodyPart(i);
                    String found = find(child, type);
                    if (found != null) {
                        return found;
                    }
                }
            }
            return null;
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
