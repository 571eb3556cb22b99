package io.mailpipe.smtp;

import java.io.IOException;

import jakarta.mail.MessagingException;

import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Reads where in Angus' SMTPTransport a failure arose, from the frames of the exception Angus created (Angus 2.0.x:
 * {@code mailFrom}), because its exceptions do not say which command failed: a pooled session is stale when MAIL
 * FROM, the first command of a transaction, could not be written, got no reply, or got 421. (A missing reply to the
 * final dot is reported by {@link UncertainAwareSmtpTransport}.)
 */
final class AngusSessions {

    private static final String TRANSPORT = "org.eclipse.angus.mail.smtp.SMTPTransport";

    private AngusSessions() {
    }

    /** Whether a reused session failed at MAIL FROM in a way that says it was dead (closed, reset, 421). */
    static boolean staleAtMailFrom(MessagingException failure) {
        if (!thrownIn(failure, "mailFrom")) {
            return false;
        }
        if (failure instanceof SMTPSendFailedException sent) {
            return sent.getReturnCode() == -1 || sent.getReturnCode() == 421;
        }
        return failure.getNextException() instanceof IOException;
    }

    private static boolean thrownIn(Throwable t, String method) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getMethodName().equals(method) && frame.getClassName().equals(TRANSPORT)) {
                return true;
            }
        }
        return false;
    }
}
