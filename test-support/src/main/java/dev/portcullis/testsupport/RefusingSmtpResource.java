package dev.portcullis.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server (SubEtha SMTP) that answers {@code 550 no such user} for any recipient whose
 * address starts with {@code nobody}, as a mail server does for an address that does not exist, and
 * accepts everyone else. GreenMail accepts every address, so it cannot show a permanent refusal.
 */
public class RefusingSmtpResource implements QuarkusTestResourceLifecycleManager {

    public static final String REFUSED_PREFIX = "nobody";
    private static final List<String> ACCEPTED = new CopyOnWriteArrayList<>();
    private SMTPServer server;

    @Override
    public Map<String, String> start() {
        int port = GreenMailResource.freePort();
        try {
            server = SMTPServer.port(port).bindAddress(InetAddress.getLoopbackAddress())
                    .messageHandlerFactory((MessageContext context) -> new Handler()).build();
        } catch (RuntimeException e) {
            throw new IllegalStateException("the refusing SMTP server did not start", e);
        }
        server.start();
        return GreenMailResource.mailerConfig(port);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** The recipients of every message the server accepted, one entry per recipient per message. */
    public static List<String> acceptedRecipients() {
        return List.copyOf(ACCEPTED);
    }

    private static final class Handler implements MessageHandler {

        private final List<String> recipients = new CopyOnWriteArrayList<>();

        @Override
        public void from(String from) {
        }

        @Override
        public void recipient(String recipient) throws RejectException {
            if (recipient.toLowerCase().startsWith(REFUSED_PREFIX)) {
                throw new RejectException(550, "5.1.1 <" + recipient + ">: no such user here");
            }
            recipients.add(recipient.toLowerCase());
        }

        @Override
        public String data(InputStream data) throws IOException {
            data.readAllBytes();
            ACCEPTED.addAll(recipients);
            return null;
        }

        @Override
        public void done() {
        }
    }
}
