package io.mailpipe.smtp;

import java.io.IOException;

import jakarta.mail.MessagingException;

import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Reads where in Angus' SMTPTransport a failure arose, from the frames of the exception Angus created (Angus 2.0.x:
 * {@code mailFrom}, {@code finishData}), because its exceptions do not say whether the message was complete:
 * <ul>
 *   <li>uncertain: the reply to the final dot did not come. Angus reports a closed connection as an
 *       {@link SMTPSendFailedException} with return code -1 and a time-out or reset as "Exception reading response"
 *       around the IOException, both thrown inside {@code finishData}.</li>
 *   <li>stale: MAIL FROM, the first command of a transaction, could not be written, got no reply, or got 421.</li>
 * </ul>
 */
final class AngusUncertainty {

    private static final String TRANSPORT = "org.eclipse.angus.mail.smtp.SMTPTransport";

    private AngusUncertainty() {
    }

    /** The uncertain-delivery exception {@code failure} stands for, or null when it is an ordinary failure. */
    static DeliveryUncertainException of(MessagingException failure) {
        if (!thrownIn(failure, "finishData")) {
            return null;
        }
        if (failure instanceof SMTPSendFailedException sent && sent.getReturnCode() == -1) {
            return new DeliveryUncertainException("the message and its final \".\" were sent, but the connection"
                    + " closed before the reply", failure);
        }
        if (failure.getNextException() instanceof IOException io && "Exception reading response".equals(failure.getMessage())) {
            return new DeliveryUncertainException("the message and its final \".\" were sent, but no reply came ("
                    + io.getClass().getSimpleName() + ")", failure);
        }
        return null;
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
