package io.mailpipe.worker;

import java.util.concurrent.CompletableFuture;

import io.mailpipe.logging.LogContext;
import io.mailpipe.pipeline.Delivery;
import io.mailpipe.pipeline.DeliveryService;
import io.mailpipe.pipeline.InboundRecord;
import io.mailpipe.quota.QuotaPauseException;

/**
 * One record of a batch through the whole attempt, in plain Java on the calling thread: prepare (read, check, claim,
 * choose the account, compose), send through the account's camel-mail endpoint ({@link MailSend}), and hand the
 * outcome to Kafka without waiting ({@link OutcomeWriter}). The error policy ({@link ErrorPolicy}) applies as on the
 * routes: an infrastructure failure leaves the record unfinished (read again), anything else dead-letters it as
 * {@code internal_error}; no account with room pauses consumption ({@link ConsumptionGate}) and leaves it unfinished.
 */
final class RecordDelivery {

    /** The route whose consumer pauses when no account has room. */
    static final String REQUESTS_ROUTE = "consume-requests";

    /**
     * How a record ended.
     *
     * @param finished its outcome written (or none needed): it may be committed
     * @param error    why it did not finish, or null (left unsent because Kafka cannot take outcomes, or stopping)
     */
    record Done(boolean finished, Throwable error) {
        static final Done FINISHED = new Done(true, null);
        static final Done NOT_STARTED = new Done(false, null);
    }

    private final DeliveryService service;
    private final MailSend send;
    private final OutcomeWriter writer;
    private final ErrorPolicy errors;
    private final ConsumptionGate gate;

    RecordDelivery(DeliveryService service, MailSend send, OutcomeWriter writer, ErrorPolicy errors, ConsumptionGate gate) {
        this.service = service;
        this.send = send;
        this.writer = writer;
        this.errors = errors;
        this.gate = gate;
    }

    /** Delivers the record; the future completes once its outcome is acknowledged (or it is left unfinished). */
    CompletableFuture<Done> deliver(InboundRecord in) {
        String key = in.keyText();
        LogContext.set(key != null && key.length() <= 200 ? key : null, null);
        Delivery delivery = service.start(in);
        delivery.ledgerChecked(); // the batch made the ledger catch up where it had to
        CompletableFuture<Void> written = null;
        try {
            service.prepare(delivery);
            LogContext.set(delivery.requestId(), delivery.account() == null ? null : delivery.account().name());
            if (delivery.pauseUntil() != null) {
                gate.pause(REQUESTS_ROUTE, delivery.pauseUntil(), delivery.pauseCandidates(), delivery.pauseReason());
                return CompletableFuture.completedFuture(new Done(false,
                        new QuotaPauseException(delivery.pauseReason(), delivery.pauseUntil())));
            }
            send.sendAll(delivery);
            written = writer.write(delivery);
        } catch (RuntimeException e) {
            if (ErrorPolicy.isInfrastructure(e)) {
                return CompletableFuture.completedFuture(new Done(false, e));
            }
            try {
                written = writer.write(errors.deadLetter(delivery, in, e));
            } catch (RuntimeException again) {
                return CompletableFuture.completedFuture(new Done(false, again));
            }
        } finally {
            // an outcome on its way to Kafka keeps the claim until acknowledged (OutcomeWriter releases it then)
            if (written == null && delivery.claim() != null) {
                delivery.claim().close();
            }
            LogContext.clear();
        }
        if (written == null) {
            return CompletableFuture.completedFuture(Done.FINISHED);
        }
        return written.handle((ok, error) -> error == null ? Done.FINISHED
                : new Done(false, error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error));
    }
}
