package io.mailpipe.pipeline;

import java.time.Instant;
import java.util.List;

import io.mailpipe.account.Account;
import io.mailpipe.compose.ComposedMessage;
import io.mailpipe.ledger.RequestLedger;
import io.mailpipe.request.MailRequest;

/**
 * One attempt at one request record, carried through the pipeline: prepared, maybe sent, then concluded into
 * outcome (and dead-letter or retry) records.
 */
public final class Delivery {

    final InboundRecord source;
    final Instant startedAt;
    final Instant firstAttemptAt;
    final int attempt;
    String requestId;
    MailRequest request;
    Account account;
    /** The send taken from {@link #account}'s quota, until it is given back or reported. */
    io.mailpipe.account.AccountSelector.Ticket ticket;
    /** Accounts that failed at account level in this attempt (the message moved on from them). */
    final java.util.Set<String> tried = new java.util.LinkedHashSet<>();
    /** Every move away from an account, earlier attempts' first (from the retry record), then this attempt's. */
    final List<io.mailpipe.outcome.OutcomeEvent.Failover> failovers;
    /** When the current send started (its SMTP transaction), for the pushback judge and the account's health. */
    Instant sendStartedAt;
    /** Set when no account can send now and consumption should pause until then; the record is read again. */
    Instant pauseUntil;
    String pauseReason;
    List<io.mailpipe.account.Account> pauseCandidates;
    /** The message being sent: the only one, or the current part of a split request. */
    ComposedMessage composed;
    /** Every composed message of this attempt (more than one when the request is split). */
    List<ComposedMessage> composedParts = List.of();
    /** The messages to send in this attempt and their results; null until prepared. */
    MessageParts parts;
    RequestLedger.Claim claim;
    /** The caller made sure the ledger knows every outcome written before this record was read (a batch). */
    boolean ledgerChecked;
    Result result;
    /** What the latest send attempt came to, or null before one. */
    Verdict verdict;
    boolean sendAttempted;
    /** When a delivery of this request was first uncertain (data sent, no reply), as carried on; null if never. */
    String uncertainAt;
    /** Already finished: nothing to send or publish. */
    boolean duplicate;
    /** Records of an earlier attempt of this worker that still wait for Kafka's acknowledgement. */
    RequestLedger.Pending<Conclusion> republish;
    /** Set by {@code conclude}: the outcome event published (null for a duplicate). */
    io.mailpipe.outcome.OutcomeEvent outcome;
    /** Set by {@code conclude}: whether the concluded records end the request. */
    boolean terminal;

    /** Which recipients earlier attempts and this one reached. */
    final RecipientProgress recipients;

    Delivery(InboundRecord source, Instant now) {
        this.source = source;
        this.recipients = new RecipientProgress(source);
        this.failovers = new java.util.ArrayList<>(io.mailpipe.outcome.OutcomeJson.readFailovers(
                source.header(io.mailpipe.kafka.MailpipeHeaders.FAILOVERS)));
        this.startedAt = now;
        this.attempt = source.attempt();
        Instant first = source.firstAttemptAt();
        this.firstAttemptAt = first == null ? now : first;
    }

    /** True when the message is composed and an account is chosen: the SMTP step should send it. */
    public boolean readyToSend() {
        return result == null && pauseUntil == null && !duplicate && republish == null && composed != null && account != null;
    }

    /** When consumption should resume, if this record must wait for quota with consumption paused; else null. */
    public Instant pauseUntil() {
        return pauseUntil;
    }

    public String pauseReason() {
        return pauseReason;
    }

    /** The accounts whose room ends the pause early. */
    public List<io.mailpipe.account.Account> pauseCandidates() {
        return pauseCandidates;
    }

    /**
     * Moves to the next message to send (the only one, or the next part of a split request), whose envelope is
     * already narrowed to the recipients not reached yet; false when there is none left or sending stopped.
     */
    public boolean nextPart() {
        if (parts == null || !parts.next()) {
            return false;
        }
        MessageParts.Part part = parts.current();
        composed = part.message();
        recipients.planEnvelope(part.envelope());
        return true;
    }

    public ComposedMessage composed() {
        return composed;
    }

    public Account account() {
        return account;
    }

    public String requestId() {
        return requestId;
    }

    public InboundRecord source() {
        return source;
    }

    /** The records of a send that happened, to keep until Kafka acknowledged them; null when nothing was sent. */
    public RequestLedger.Pending<Conclusion> sendToRemember(Conclusion conclusion) {
        return sendAttempted ? new RequestLedger.Pending<>(conclusion, terminal) : null;
    }

    public io.mailpipe.outcome.OutcomeEvent outcome() {
        return outcome;
    }

    public boolean isTerminal() {
        return terminal;
    }

    /**
     * Tells the delivery that the ledger already caught up for its record, so that {@link DeliveryService#prepare}
     * does not judge by offset order (records of a batch are prepared out of order).
     */
    public void ledgerChecked() {
        ledgerChecked = true;
    }

    public RequestLedger.Claim claim() {
        return claim;
    }

    /** True once the request id turned out to be finished already (the record is skipped). */
    /** What the latest send attempt came to ({@link AttemptJudge}), or null when nothing was sent. */
    public Verdict verdict() {
        return verdict;
    }

    public boolean isDuplicate() {
        return duplicate;
    }
}
